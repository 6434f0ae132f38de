/**
 * D1 down for a minute, from outside (issue "No lead refused"): the relay's local D1 files (every shard) are locked
 * by another process (SQLite `BEGIN EXCLUSIVE`, which is how the local runtime meets a database it
 * cannot write) for 60 s while 1,000 leads arrive at concurrency 20, one in ten sent a second time
 * with its Idempotency-Key. Every answer must be 202 (the spill), a repeat must answer its first's
 * lead id; after the release the maintenance run (`/__scheduled`) imports the spill, and every lead
 * must be in D1 exactly once and delivered to TakePayments exactly once. Prints the answers, the
 * error D1 gave, and how long the import and delivery took; exits 1 on any 5xx, loss or duplicate.
 * A script, not a test: `npm run outage`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { SANDBOX_SECRETS } from '../demo/sandbox/keys.ts';
import { sleep, startSandboxedRelay } from './lib/sandboxed-relay.ts';

const LEADS = Number(process.env.LEADS ?? 1000);
const CONCURRENCY = 20;
const LOCK_MS = 60_000;
const DRAIN_TIMEOUT_MS = 180_000;
const FORM = 'demo-takepayments';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

/** A client address per lead from the benchmarking range: the relay limits leads per address. */
const clientIp = (n: number) => `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;

function leadRequest(relay: string, run: string, n: number): Request {
  return new Request(`${relay}/v1/forms/${FORM}/leads`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: 'http://localhost:5173',
      'cf-connecting-ip': clientIp(n),
      'idempotency-key': `outage-${run}-${n}`,
    },
    body: JSON.stringify({
      fields: {
        firstName: 'Ada',
        lastName: `Outage ${n}`,
        email: `outage-${run}-${n}@example.com`,
        company: 'Analytical Engines Ltd',
        postcode: 'SW1A 1AA',
        industry: 'Retail',
      },
      consent: { contact: true },
      context: { pageUrl: 'http://127.0.0.1/bench/outage' },
    }),
  });
}

/** The SQLite files behind the relay's D1 shards (miniflare keeps one per database, by hash). */
function d1Files(state: string): string[] {
  const folder = path.join(state, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const files = readdirSync(folder).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (files.length < 2) throw new Error(`expected a D1 file per shard in ${folder}, found ${files.join(', ')}`);
  return files.map((f) => path.join(folder, f));
}

const admin = (relay: string, pathname: string) =>
  fetch(`${relay}/v1/admin${pathname}`, { headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` } });

/** How many rows D1 holds per lead id of this run (by its Idempotency-Key), read with the lock released. */
function leadsInD1(files: readonly string[], run: string): Map<string, number> {
  const all = new Map<string, number>();
  for (const file of files) {
    for (const [id, n] of leadsInFile(file, run)) all.set(id, (all.get(id) ?? 0) + n);
  }
  return all;
}

function leadsInFile(file: string, run: string): Map<string, number> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db
      .prepare('SELECT id, COUNT(*) AS n FROM leads WHERE form_id = ? AND idempotency_key LIKE ? GROUP BY id')
      .all(FORM, `outage-${run}-%`) as { id: string; n: number }[];
    return new Map(rows.map((r) => [r.id, r.n]));
  } finally {
    db.close();
  }
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

const relay = await startSandboxedRelay(['STRANDED_AFTER_SECONDS:30']);
const run = Date.now().toString(36);
let failed = false;
try {
  // A first lead creates the D1 file and warms the worker; it is not one of the thousand.
  const warm = await fetch(leadRequest(relay.url, `warm-${run}`, 0));
  if (warm.status !== 202) throw new Error(`the warm-up lead answered ${warm.status}: ${await warm.text()}`);
  const files = d1Files(relay.state);

  // Every shard: D1 is down, not one database of it.
  const locks = files.map((file) => new DatabaseSync(file));
  for (const lock of locks) lock.exec('BEGIN EXCLUSIVE');
  const lockedAt = Date.now();
  console.log(
    `[outage] ${files.map((f) => path.basename(f)).join(', ')} locked (BEGIN EXCLUSIVE) by process ${process.pid}`,
  );

  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  const leadIds = new Map<number, string>();
  const repeatsMismatched: number[] = [];
  const send = async (n: number) => {
    const started = performance.now();
    const response = await fetch(leadRequest(relay.url, run, n)).catch(() => undefined);
    const status = response?.status ?? 0;
    latencies.push(performance.now() - started);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (!response || status !== 202) return undefined;
    return ((await response.json()) as { leadId: string }).leadId;
  };
  let next = 0;
  const worker = async () => {
    for (let n = next++; n < LEADS; n = next++) {
      const leadId = await send(n);
      if (leadId) leadIds.set(n, leadId);
      if (n % 10 === 0) {
        const again = await send(n);
        if (again !== leadId) repeatsMismatched.push(n);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const sentIn = Date.now() - lockedAt;
  const stillLocked = sentIn < LOCK_MS;
  await sleep(Math.max(0, LOCK_MS - sentIn));
  for (const lock of locks) {
    lock.exec('COMMIT');
    lock.close();
  }
  const releasedAt = Date.now();

  const sorted = [...latencies].sort((a, b) => a - b);
  const answers = [...statuses].map(([status, n]) => `${status === 0 ? 'no answer' : status} × ${n}`).join(', ');
  console.log(
    `[outage] ${latencies.length} requests (${LEADS} leads, ${Math.ceil(LEADS / 10)} sent twice) in ${(sentIn / 1000).toFixed(1)} s, all while locked: ${stillLocked}`,
  );
  console.log(
    `[outage] answers: ${answers}; p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms; repeats answering another lead id: ${repeatsMismatched.length}`,
  );

  // The maintenance run, by hand, as the Cron Trigger would run it every minute.
  const accepted = new Set(leadIds.values());
  let inD1 = new Map<string, number>();
  let importedIn = Number.NaN;
  while (Date.now() - releasedAt < DRAIN_TIMEOUT_MS) {
    await fetch(`${relay.url}/__scheduled?cron=*+*+*+*+*`).catch(() => undefined);
    inD1 = leadsInD1(files, run);
    if ([...accepted].every((id) => inD1.has(id))) {
      importedIn = Date.now() - releasedAt;
      break;
    }
    await sleep(1000);
  }
  const deliveredOnce = () => {
    const counts = new Map<string, number>();
    for (const r of relay.sandbox.state.receivedBy('takepayments')) {
      if (!r.path.endsWith('/PartnerLeadsApi/Insert') || r.fault !== undefined) continue;
      const id = (JSON.parse(r.body) as { ID: string }).ID;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  };
  let delivered = deliveredOnce();
  while (Date.now() - releasedAt < DRAIN_TIMEOUT_MS && ![...accepted].every((id) => delivered.has(id))) {
    await sleep(500);
    delivered = deliveredOnce();
  }
  const drainedIn = Date.now() - releasedAt;
  // A late second delivery would show within a few seconds of the last.
  await sleep(3000);
  delivered = deliveredOnce();

  const lost = [...accepted].filter((id) => !inD1.has(id));
  const duplicatedInD1 = [...inD1.values()].filter((n) => n > 1).length;
  const undelivered = [...accepted].filter((id) => !delivered.has(id));
  const deliveredTwice = [...accepted].filter((id) => (delivered.get(id) ?? 0) > 1);
  const example = (await (await admin(relay.url, `/leads/${[...accepted][0]}`)).json()) as {
    spill: { reason: string } | null;
  };
  const fiveHundreds = [...statuses].filter(([status]) => status === 0 || status >= 500).reduce((n, [, c]) => n + c, 0);
  console.log(`[outage] what D1 answered the relay: ${example.spill?.reason ?? '(not spilled)'}`);
  console.log(
    `[outage] after the release: all in D1 after ${(importedIn / 1000).toFixed(1)} s, all delivered after ${(drainedIn / 1000).toFixed(1)} s`,
  );
  console.log(
    `[outage] leads answered ${accepted.size}, in D1 ${inD1.size} (lost ${lost.length}, stored twice ${duplicatedInD1}), delivered ${accepted.size - undelivered.length} (undelivered ${undelivered.length}, delivered twice ${deliveredTwice.length})`,
  );
  failed =
    fiveHundreds > 0 ||
    accepted.size !== LEADS ||
    repeatsMismatched.length > 0 ||
    lost.length > 0 ||
    duplicatedInD1 > 0 ||
    undelivered.length > 0 ||
    deliveredTwice.length > 0 ||
    example.spill === null;
} finally {
  await relay.stop();
}
process.exitCode = failed ? 1 : 0;
