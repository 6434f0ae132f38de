/**
 * @module The archive: D1 holds a window of leads, not their history. A finished lead (every
 * delivery and step final) past its form's `archiveAfterDays` is written to R2 (`ARCHIVE`) as one
 * object with everything about it (its admin view and its consent certificate); once R2 has
 * confirmed the object (checked against its SHA-256), one D1 batch writes the lead's small index row
 * and deletes the lead's rows, and only if the lead did not change since it was read. The index row
 * keeps what finds the lead again and what the numbers count. An archived lead is read, exported and
 * erased as a lead in D1 is; retention and erasure rewrite its object without personal data.
 */
import type { CertificateBody } from '../../shared/certificate.ts';
import { forms } from '../forms/index.ts';
import { DEFAULT_ARCHIVE_AFTER_DAYS } from '../forms/schema.ts';
import { stripCertificate, stripView } from '../privacy/personal-data.ts';
import type { Tombstone } from '../privacy/subjects.ts';
import { dbOf, shards } from '../storage/shards.ts';
import { certificateOf, type LeadRecord, type LeadView, loadLeadRecords, viewOf } from './lead-record.ts';

export const ARCHIVE_PREFIX = 'leads/';

/** Leads read, written and deleted together: one D1 read and one D1 batch each. */
const CHUNK = 50;
/**
 * R2 puts a run makes at most: each is a subrequest, and a Worker invocation has 1,000 of them, with
 * room left for the rest of the run. The next run, a minute later, goes on.
 */
const MAX_PER_RUN = 500;
/** Objects put at once. */
const PUTS_IN_FLIGHT = 10;
const DAY_MS = 86_400_000;

/** What the archive keeps of a lead: what the admin routes show of it, and its certificate's body. */
export interface ArchivedObject {
  version: 1;
  lead: LeadView;
  certificate: CertificateBody;
}

export interface ArchivedRow {
  id: string;
  form_id: string;
  status: string;
  created_at: string;
  object_key: string;
  sha256: string;
  archived_at: string;
  archived_day: string;
  purged_at: string | null;
  erasure: string | null;
}

export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Puts an object and answers its SHA-256 once R2 has it: R2 checks the bytes against the hash. */
async function putChecked(bucket: R2Bucket, key: string, object: ArchivedObject): Promise<string> {
  const body = JSON.stringify(object);
  const sha256 = await sha256Hex(body);
  await bucket.put(key, body, { sha256, httpMetadata: { contentType: 'application/json' } });
  return sha256;
}

/** Runs `task` over `items`, `limit` at a time. */
async function inFlight<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** How the index row says what the numbers need: each delivery's provider and status, each attempt's. */
function indexRow(record: LeadRecord, objectKey: string, sha256: string) {
  const providerOf = new Map(record.deliveries.map((d) => [d.id, d.provider]));
  const times = [
    record.row.updated_at,
    ...record.deliveries.map((d) => d.updated_at),
    ...record.attempts.map((a) => a.started_at),
  ];
  return {
    id: record.row.id,
    form_id: record.row.form_id,
    status: record.row.status,
    origin: record.row.origin,
    utm_source: record.stored.lead.context.utm_source ?? null,
    email_hash: record.row.email_hash,
    phone_hash: record.row.phone_hash,
    created_at: record.row.created_at,
    updated_at: record.row.updated_at,
    last_activity_at: times.sort().at(-1) ?? record.row.updated_at,
    deliveries: JSON.stringify(record.deliveries.map((d) => [d.provider, d.kind === 'lead' ? 1 : 0, d.status])),
    attempts: JSON.stringify(record.attempts.map((a) => [providerOf.get(a.delivery_id), a.started_at, a.duration_ms])),
    object_key: objectKey,
    sha256,
    erasure: record.erasure ? JSON.stringify(viewOf(record).erasure) : null,
    purged_at: record.row.purged_at,
    // What the guard compares: the lead and its deliveries as read, so a change since stops the move.
    seen: `${record.row.updated_at}|${fingerprint(record)}`,
  };
}

function fingerprint(record: LeadRecord): string {
  const latest =
    record.deliveries
      .map((d) => d.updated_at)
      .sort()
      .at(-1) ?? '';
  return `${latest}|${record.deliveries.length}|${record.attempts.length}`;
}

const FINISHED =
  "NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.lead_id = l.id AND d.status IN ('pending', 'retrying'))";
const SEEN = `l.updated_at || '|' || (SELECT COALESCE(MAX(d.updated_at), '') || '|' || COUNT(*) FROM deliveries d WHERE d.lead_id = l.id)
  || '|' || (SELECT COUNT(*) FROM attempts a WHERE a.delivery_id IN (SELECT id FROM deliveries WHERE lead_id = l.id))`;
const COLUMNS = [
  'id',
  'form_id',
  'status',
  'origin',
  'utm_source',
  'email_hash',
  'phone_hash',
  'created_at',
  'updated_at',
  'last_activity_at',
  'deliveries',
  'attempts',
  'object_key',
  'sha256',
  'erasure',
  'purged_at',
] as const;

/**
 * The batch that moves confirmed leads out of D1: their index rows, for each lead still finished
 * and unchanged since it was read, then the deletion of every row of the leads that got one. One
 * batch is one transaction: a lead is in D1 or in the index, never both or neither.
 */
function moveStatements(db: D1Database, rows: readonly ReturnType<typeof indexRow>[], at: string, day: string) {
  const json = JSON.stringify(rows);
  const ids = JSON.stringify(rows.map((r) => r.id));
  const moved = `SELECT id FROM archived_leads WHERE id IN (SELECT value FROM json_each(?1))`;
  const values = COLUMNS.map((c) => `json_extract(j.value, '$.${c}')`).join(', ');
  return [
    db
      .prepare(
        `INSERT INTO archived_leads (${COLUMNS.join(', ')}, archived_at, archived_day)
         SELECT ${values}, ?2, ?3 FROM json_each(?1) j JOIN leads l ON l.id = json_extract(j.value, '$.id')
         WHERE ${FINISHED} AND (${SEEN}) = json_extract(j.value, '$.seen')`,
      )
      .bind(json, at, day),
    ...[
      `DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE lead_id IN (${moved}))`,
      `DELETE FROM deliveries WHERE lead_id IN (${moved})`,
      `DELETE FROM consent_records WHERE lead_id IN (${moved})`,
      `DELETE FROM lead_changes WHERE lead_id IN (${moved})`,
      `DELETE FROM erasures WHERE lead_id IN (${moved})`,
      `DELETE FROM consent_snapshots WHERE lead_id IN (${moved})`,
      `DELETE FROM leads WHERE id IN (${moved})`,
    ].map((sql) => db.prepare(sql).bind(ids)),
  ];
}

/** The ids of up to `limit` finished leads past their form's archiveAfterDays, oldest first. */
async function finishedLeads(db: D1Database, now: number, limit: number): Promise<string[]> {
  const cutoff = (days: number) => new Date(now - days * DAY_MS).toISOString();
  const configured = [...forms.values()];
  const groups = configured.map((form) => ({
    where: 'form_id = ? AND created_at < ?',
    bind: [form.id, cutoff(form.archiveAfterDays)] as unknown[],
  }));
  // A form taken out of the configuration leaves its leads behind: they keep the default window.
  groups.push({
    where: 'form_id NOT IN (SELECT value FROM json_each(?)) AND created_at < ?',
    bind: [JSON.stringify(configured.map((form) => form.id)), cutoff(DEFAULT_ARCHIVE_AFTER_DAYS)],
  });
  const ids: string[] = [];
  for (const group of groups) {
    if (ids.length >= limit) break;
    const { results } = await db
      .prepare(`SELECT id FROM leads l WHERE ${group.where} AND ${FINISHED} ORDER BY created_at LIMIT ?`)
      .bind(...group.bind, limit - ids.length)
      .all<{ id: string }>();
    ids.push(...results.map((r) => r.id));
  }
  return ids;
}

/** Archives one chunk of a shard's leads; answers how many left D1. */
async function archiveChunk(env: Env, db: D1Database, ids: readonly string[], at: string, day: string) {
  const records = [...(await loadLeadRecords(db, ids)).values()];
  const rows = await inFlight(records, PUTS_IN_FLIGHT, async (record) => {
    const key = `${ARCHIVE_PREFIX}${record.row.created_at.slice(0, 10)}/${record.row.id}.json`;
    const sha256 = await putChecked(env.ARCHIVE, key, {
      version: 1,
      lead: viewOf(record),
      certificate: certificateOf(record),
    });
    return indexRow(record, key, sha256);
  });
  if (rows.length === 0) return 0;
  await db.batch(moveStatements(db, rows, at, day));
  const { results } = await db
    .prepare('SELECT id FROM archived_leads WHERE id IN (SELECT value FROM json_each(?))')
    .bind(JSON.stringify(rows.map((r) => r.id)))
    .all<{ id: string }>();
  // A lead that changed after it was read (a replay, an erasure) stays in D1; its object goes.
  const moved = new Set(results.map((r) => r.id));
  const stale = rows.filter((r) => !moved.has(r.id)).map((r) => r.object_key);
  if (stale.length > 0) await env.ARCHIVE.delete(stale);
  return moved.size;
}

export interface ArchiveReport {
  archived: number;
  left: boolean;
}

/**
 * Archives finished leads, shard after shard, until none is due, the run's share of subrequests is
 * spent or `deadline` (ms) passes; the next run goes on. Leads archived now join `day`'s manifest.
 */
export async function archiveFinished(env: Env, now: number, day: string, deadline: number): Promise<ArchiveReport> {
  const at = new Date(now).toISOString();
  let archived = 0;
  for (const { db } of shards(env)) {
    for (;;) {
      if (archived >= MAX_PER_RUN || Date.now() > deadline) return { archived, left: true };
      const ids = await finishedLeads(db, now, Math.min(CHUNK, MAX_PER_RUN - archived));
      if (ids.length === 0) break;
      const moved = await archiveChunk(env, db, ids, at, day);
      archived += moved;
      // None of a full chunk could move (each changed as it was read): leave them to the next run.
      if (moved === 0) break;
    }
  }
  return { archived, left: false };
}

/** A lead's index row, where the lead is archived. */
export async function findArchived(env: Env, leadId: string): Promise<ArchivedRow | null> {
  return dbOf(env, leadId)
    .prepare(
      'SELECT id, form_id, status, created_at, object_key, sha256, archived_at, archived_day, purged_at, erasure FROM archived_leads WHERE id = ?',
    )
    .bind(leadId)
    .first<ArchivedRow>();
}

/** An archived lead's object; its absence is the operator's alarm, not a client's 404. */
export async function readArchived(env: Env, row: ArchivedRow): Promise<ArchivedObject> {
  const object = await env.ARCHIVE.get(row.object_key);
  if (!object) throw new Error(`The archive has no object ${row.object_key} for lead ${row.id}`);
  return object.json<ArchivedObject>();
}

/** An archived lead as the admin API shows it. */
export function archivedView(row: ArchivedRow, object: ArchivedObject) {
  return { ...object.lead, archived: true as const, archivedAt: row.archived_at };
}

/**
 * Rewrites archived leads' objects without their personal data (retention, erasure) and clears
 * their identifier hashes; an erasure also leaves its tombstone in the object and the index row.
 * The object first: if D1 then fails, a second run finds the lead unpurged and writes the same.
 */
export async function stripArchived(
  env: Env,
  db: D1Database,
  rows: readonly ArchivedRow[],
  at: string,
  erasure?: Tombstone,
  also: readonly D1PreparedStatement[] = [],
): Promise<number> {
  if (rows.length === 0) return 0;
  await inFlight(rows, PUTS_IN_FLIGHT, async (row) => {
    const object = await readArchived(env, row);
    await putChecked(env.ARCHIVE, row.object_key, {
      version: 1,
      lead: stripView(object.lead, at, erasure ?? object.lead.erasure),
      certificate: stripCertificate(object.certificate),
    });
  });
  await db.batch([
    ...also,
    db
      .prepare(
        `UPDATE archived_leads SET email_hash = NULL, phone_hash = NULL, purged_at = COALESCE(purged_at, ?2),
           erasure = COALESCE(?3, erasure) WHERE id IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify(rows.map((r) => r.id)), at, erasure ? JSON.stringify(erasure) : null),
  ]);
  return rows.length;
}
