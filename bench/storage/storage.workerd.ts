/**
 * The storage bench's body, in workerd: `STORAGE_LEADS` leads (100,000 by default) written across
 * the shards by the relay's own code (`leadWrite`, then each delivery's attempt by `recordAttempt`,
 * as the consumer records it), aged past their form's window, then the every-minute maintenance
 * run, run after run, until the archive has them all. It prints one `STORAGE_RESULT` line of JSON
 * for bench/storage.ts.
 */
import { applyD1Migrations, createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { it } from 'vitest';
import { leadWrite, type NewLead, recordAttempt } from '../../edge/delivery/store.ts';
import worker from '../../edge/index.ts';
import { newLeadId, shards } from '../../edge/storage/shards.ts';

const FORM = 'demo-takepayments';
const DAY_MS = 86_400_000;
/** A Cron Trigger's invocation: 15 minutes of wall time, 1,000 subrequests (R2 calls, D1 queries). */
const CRON_LIMIT_MS = 15 * 60_000;
const SUBREQUEST_LIMIT = 1000;
const MARKUP =
  '<div class="check" part="consent"> <input id="lc-consent-contact" type="checkbox" part="checkbox" required="" checked=""> <label for="lc-consent-contact" part="consent-text">I agree that takepayments may contact me about card payment services.</label>  </div>';

function leadOf(index: number, shard: { index: number }, createdAt: string): NewLead {
  const id = newLeadId(shard);
  return {
    lead: {
      id,
      formId: FORM,
      fields: {
        firstName: 'Ada',
        lastName: `Lovelace ${index}`,
        email: `ada.${index}@example.com`,
        company: 'Analytical Engines Ltd',
        postcode: 'SW1A 1AA',
        industry: 'Retail',
        message: 'Two card machines, please.',
      },
      consent: { contact: true },
      context: {
        pageUrl: 'https://partner.example/quote?utm_source=google&utm_medium=cpc&utm_campaign=autumn',
        utm_source: 'google',
        utm_medium: 'cpc',
        utm_campaign: 'autumn',
        renderedAt: Date.parse(createdAt),
      },
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      createdAt,
    },
    idempotencyKey: crypto.randomUUID(),
    bodyHash: crypto.randomUUID().replaceAll('-', ''),
    providers: ['takepayments'],
    consentMarkup: MARKUP,
  };
}

/** The database's size as D1 reports it (`meta.size_after`), and the bytes its pages in use hold. */
async function sizeOf(db: D1Database) {
  const probe = await db.prepare('SELECT 1').run();
  return { bytes: probe.meta.size_after ?? 0 };
}

/** Counts what a run asks of D1 and R2: each query or batch, each bucket call, is a subrequest. */
function counting<T extends object>(target: T, counter: { n: number }, methods: readonly string[]): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property);
      if (typeof value !== 'function') return value;
      if (property === 'prepare') {
        return (sql: string) => counting(value.call(object, sql), counter, ['first', 'run', 'all', 'raw', 'bind']);
      }
      if (property === 'bind') return (...args: unknown[]) => counting(value.apply(object, args), counter, methods);
      if (methods.includes(String(property))) {
        return (...args: unknown[]) => {
          counter.n++;
          return value.apply(object, args);
        };
      }
      return value.bind(object);
    },
  });
}

it('stores, archives and measures', async () => {
  for (const { db } of shards(env)) await applyD1Migrations(db, env.TEST_MIGRATIONS);
  const total = Number(env.STORAGE_LEADS);
  const open = shards(env);
  const before = await Promise.all(open.map(({ db }) => sizeOf(db)));
  const createdAt = new Date(Date.now() - 100 * DAY_MS).toISOString();

  const started = Date.now();
  const perShard = Math.ceil(total / open.length);
  for (const shard of open) {
    for (let from = 0; from < perShard; from += 50) {
      const leads = Array.from({ length: Math.min(50, perShard - from) }, (_, i) => leadOf(from + i, shard, createdAt));
      await shard.db.batch(leads.flatMap((l) => leadWrite(shard.db, l).statements));
      await Promise.all(
        leads.map((l) =>
          recordAttempt(shard.db, {
            deliveryId: `${l.lead.id}.0`,
            leadId: l.lead.id,
            attempt: 1,
            startedAt: createdAt,
            durationMs: 180 + (from % 97),
            result: {
              outcome: 'delivered',
              reference: `TP-${from}`,
              httpStatus: 200,
              response: '{"Success":true,"Id":"TP-1"}',
            },
            status: 'delivered',
          }),
        ),
      );
    }
  }
  const writtenMs = Date.now() - started;
  const hot = await Promise.all(open.map(({ db }) => sizeOf(db)));
  const hotBytes = hot.reduce((sum, s, i) => sum + s.bytes - (before[i]?.bytes ?? 0), 0);

  const runs: { ms: number; subrequests: number }[] = [];
  let archived = 0;
  const archiveStarted = Date.now();
  while (archived < total) {
    const counter = { n: 0 };
    const bindings = {
      ...env,
      ...Object.fromEntries(open.map((s) => [s.name, counting(s.db, counter, ['batch', 'exec'])])),
      ARCHIVE: counting(env.ARCHIVE, counter, ['put', 'get', 'delete', 'list', 'head']),
      SPILL: counting(env.SPILL, counter, ['put', 'get', 'delete', 'list', 'head']),
    } as Env;
    const runStarted = Date.now();
    const ctx = createExecutionContext();
    await worker.scheduled(
      { cron: '* * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController,
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    runs.push({ ms: Date.now() - runStarted, subrequests: counter.n });
    let now = 0;
    for (const { db } of open) {
      now += (await db.prepare('SELECT COUNT(*) AS n FROM archived_leads').first<number>('n')) ?? 0;
    }
    if (now === archived) throw new Error(`a maintenance run archived nothing (${archived} of ${total})`);
    archived = now;
  }
  const archiveMs = Date.now() - archiveStarted;
  const after = await Promise.all(open.map(({ db }) => sizeOf(db)));

  let archiveBytes = 0;
  let objects = 0;
  let cursor: string | undefined;
  do {
    const page = await env.ARCHIVE.list({ prefix: 'leads/', limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const o of page.objects) {
      archiveBytes += o.size;
      objects++;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);

  // The window again: a second fill of the same size reuses the pages the archive freed.
  for (const shard of open) {
    for (let from = 0; from < perShard; from += 50) {
      const leads = Array.from({ length: Math.min(50, perShard - from) }, (_, i) => leadOf(from + i, shard, createdAt));
      await shard.db.batch(leads.flatMap((l) => leadWrite(shard.db, l).statements));
    }
  }
  const refilled = await Promise.all(open.map(({ db }) => sizeOf(db)));
  const indexBytes = await Promise.all(
    open.map(({ db }) =>
      db
        .prepare(
          `SELECT SUM(length(id) + length(form_id) + length(status) + length(created_at) * 4 + length(deliveries) + length(attempts)
             + length(object_key) + length(sha256) + COALESCE(length(email_hash), 0) + COALESCE(length(utm_source), 0)) AS n FROM archived_leads`,
        )
        .first<number>('n'),
    ),
  );

  const sum = (sizes: { bytes: number }[]) => sizes.reduce((s, x) => s + x.bytes, 0);
  console.log(
    `STORAGE_RESULT ${JSON.stringify({
      leads: total,
      shards: open.map((s) => s.name),
      writtenMs,
      hotBytesPerLead: hotBytes / total,
      d1BytesBefore: sum(hot),
      d1BytesAfterArchive: sum(after),
      d1BytesAfterRefill: sum(refilled),
      indexRowBytesPerLead: indexBytes.reduce<number>((s, n) => s + (n ?? 0), 0) / total,
      archiveBytesPerLead: archiveBytes / objects,
      objects,
      archiveMs,
      archivedPerSecond: total / (archiveMs / 1000),
      runs: runs.length,
      longestRunMs: Math.max(...runs.map((r) => r.ms)),
      mostSubrequests: Math.max(...runs.map((r) => r.subrequests)),
      cronLimitMs: CRON_LIMIT_MS,
      subrequestLimit: SUBREQUEST_LIMIT,
    })}`,
  );
});
