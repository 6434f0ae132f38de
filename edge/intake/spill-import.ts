/**
 * @module The spill's import, part of the every-minute maintenance run (Cron Trigger): each spilled
 * lead goes into D1 with its id, times, key, consent record and snapshot, then onto the queue like
 * any other lead, and leaves the spill. Exactly once: a lead D1 already has (an import that stopped
 * before it deleted the object) is not stored again, nor one that repeats a lead D1 took under the
 * same key or session (the same submission, sent again once D1 was back). A run stops at the first
 * lead D1 refuses, since D1 is not taking writes yet; the next run goes on.
 */
import { enqueueDeliveries, messageOf } from '../delivery/queue.ts';
import {
  findByIdempotencyKey,
  insertLead,
  leadWrite,
  type NewLead,
  plannedDeliveries,
  type SpillMark,
} from '../delivery/store.ts';
import { sessionAnswer } from '../ping-post/sessions.ts';
import { dbOf, shardOf } from '../storage/shards.ts';
import { readSpilled, SPILL_PREFIX, type SpilledLead } from './spill.ts';

/** Objects listed, read and deleted per round; their leads go to D1 in batches of `PER_BATCH`. */
const PAGE = 100;
/** Leads per D1 batch: a batch is one transaction, one query against the invocation's 1,000. */
const PER_BATCH = 20;

export interface ImportReport {
  imported: number;
  /** Spilled leads D1 already had, or that repeated one it had (same key or session, same body). */
  skipped: number;
  /** Whether leads are left in the spill (D1 still refusing, or the run's time was up). */
  left: boolean;
}

/** One import at a time per isolate: a run still going when the next minute's starts keeps the work. */
let running = false;

type Outcome = 'imported' | 'skipped';

function markOf(record: SpilledLead, importedAt: string): SpillMark {
  return { spilledAt: record.spilledAt, reason: record.reason, importedAt, texts: record.texts };
}

/**
 * What D1 holds of a spilled lead whose insert failed: the lead itself, or the lead of the same
 * key or session. Throws when D1 cannot answer, which stops the run.
 */
async function inD1(db: D1Database, lead: NewLead) {
  const own = await db.prepare('SELECT id FROM leads WHERE id = ?').bind(lead.lead.id).first<{ id: string }>();
  if (own) return { kind: 'same' as const };
  const other = lead.consentRecord
    ? await sessionAnswer(db, lead.consentRecord.sessionId)
    : lead.idempotencyKey
      ? await findByIdempotencyKey(db, lead.lead.formId, lead.idempotencyKey)
      : null;
  return other ? { kind: 'other' as const, bodyHash: other.bodyHash } : null;
}

/**
 * One spilled lead into D1 on its own, after its batch failed. A lead that claims a key or session
 * D1 gave a different submission keeps everything but the claim (no consumer's lead is dropped).
 */
async function importOne(db: D1Database, record: SpilledLead, importedAt: string): Promise<Outcome> {
  try {
    await insertLead(db, record.lead, markOf(record, importedAt));
    return 'imported';
  } catch (error) {
    const found = await inD1(db, record.lead);
    if (!found) throw error;
    if (found.kind === 'same' || found.bodyHash === record.lead.bodyHash) return 'skipped';
    const { consentRecord } = record.lead;
    const unclaimed: NewLead = {
      ...record.lead,
      idempotencyKey: null,
      ...(consentRecord
        ? { consentRecord: { ...consentRecord, sessionId: `${consentRecord.sessionId}:${record.lead.lead.id}` } }
        : {}),
    };
    console.error(JSON.stringify({ at: 'spill-import', leadId: record.lead.lead.id, conflict: true }));
    await insertLead(db, unclaimed, markOf(record, importedAt));
    return 'imported';
  }
}

/**
 * A page's leads into D1, each into its own shard (the page comes ordered by shard), `PER_BATCH` to
 * a round trip; a batch that fails goes lead by lead.
 */
async function importPage(env: Env, records: readonly SpilledLead[]) {
  const importedAt = new Date().toISOString();
  const outcomes: Outcome[] = [];
  let refused: unknown;
  for (let start = 0; start < records.length && refused === undefined; ) {
    const db = dbOf(env, records[start]?.lead.lead.id ?? '');
    let end = start;
    while (end < records.length && end - start < PER_BATCH && dbOf(env, records[end]?.lead.lead.id ?? '') === db) end++;
    const chunk = records.slice(start, end);
    start = end;
    try {
      await db.batch(chunk.flatMap((r) => leadWrite(db, r.lead, markOf(r, importedAt)).statements));
      outcomes.push(...chunk.map((): Outcome => 'imported'));
    } catch {
      for (const record of chunk) {
        try {
          outcomes.push(await importOne(db, record, importedAt));
        } catch (error) {
          refused = error;
          break;
        }
      }
    }
  }
  return { outcomes, refused };
}

/**
 * Moves spilled leads into D1 until the spill is empty, D1 refuses, or `deadline` (ms) passes.
 * A lead's deliveries are queued once it is in D1; if the queue refuses them they stay pending, and
 * the sweep queues them.
 */
export async function importSpill(env: Env, deadline: number): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, skipped: 0, left: false };
  if (running) return { ...report, left: true };
  running = true;
  try {
    let cursor: string | undefined;
    do {
      if (Date.now() > deadline) return { ...report, left: true };
      const page = await env.SPILL.list({ prefix: SPILL_PREFIX, limit: PAGE, ...(cursor ? { cursor } : {}) });
      const read = await Promise.all(page.objects.map((o) => readSpilled(env.SPILL, o.key)));
      const shardIndex = (record: SpilledLead) => shardOf(env, record.lead.lead.id)?.index ?? 0;
      const named = page.objects
        .flatMap((o, i) => {
          const record = read[i];
          return record ? [{ name: o.key, record }] : [];
        })
        .sort((a, b) => shardIndex(a.record) - shardIndex(b.record));
      const { outcomes, refused } = await importPage(
        env,
        named.map((n) => n.record),
      );
      const done = named.slice(0, outcomes.length);
      const imported = done.filter((_, i) => outcomes[i] === 'imported');
      report.imported += imported.length;
      report.skipped += done.length - imported.length;
      try {
        await enqueueDeliveries(
          env.DELIVERIES,
          imported.flatMap(({ record }) =>
            plannedDeliveries(record.lead).map((d) => messageOf(record.lead.lead.formId, d)),
          ),
        );
      } catch (error) {
        console.error(JSON.stringify({ at: 'spill-import', error: `queue send failed: ${String(error)}` }));
      }
      if (done.length > 0) await env.SPILL.delete(done.map((n) => n.name));
      if (refused !== undefined) {
        console.error(JSON.stringify({ at: 'spill-import', ...report, d1: String(refused) }));
        return { ...report, left: true };
      }
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return report;
  } finally {
    running = false;
    if (report.imported + report.skipped > 0) console.log(JSON.stringify({ at: 'spill-import', ...report }));
  }
}
