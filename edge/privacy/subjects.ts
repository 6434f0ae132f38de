/**
 * @module A person's data on request: find every lead of theirs by email or phone (through the
 * hashes stored with each lead), and erase leads, leaving a tombstone that says when, why and who
 * asked.
 */
import { shards } from '../storage/shards.ts';
import { emailHash, phoneHash, removalStatements } from './personal-data.ts';

export type Subject = { email: string } | { phone: string };

const MAX_LEADS = 1000;

/**
 * The ids of the leads that hold this person's email or phone (E.164), in D1 or archived, in every
 * shard, newest first.
 */
export async function subjectLeadIds(env: Env, subject: Subject): Promise<string[]> {
  const [column, hash] =
    'email' in subject ? ['email_hash', emailHash(subject.email)] : ['phone_hash', phoneHash(subject.phone)];
  const found = await Promise.all(
    shards(env).map(({ db }) =>
      db
        .prepare(
          `SELECT id, created_at FROM leads WHERE ${column} = ?1
           UNION ALL SELECT id, created_at FROM archived_leads WHERE ${column} = ?1
           ORDER BY created_at DESC LIMIT ${MAX_LEADS}`,
        )
        .bind(hash)
        .all<{ id: string; created_at: string }>(),
    ),
  );
  return found
    .flatMap((r) => r.results)
    .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))
    .slice(0, MAX_LEADS)
    .map((r) => r.id);
}

export interface Erasure {
  reason: string;
  requestedBy: string;
  /** The kind of identifier the request named (`email`, `phone`), or none for one lead by id. */
  matchedBy: string | null;
}

/**
 * Erases the personal data of these leads (not yet erased) and writes their tombstones, in one batch
 * with `also` (the request's audit entry).
 */
export async function eraseLeads(
  db: D1Database,
  leadIds: readonly string[],
  erasure: Erasure,
  also: readonly D1PreparedStatement[] = [],
): Promise<number> {
  if (leadIds.length === 0) return 0;
  const at = new Date().toISOString();
  const placeholders = leadIds.map(() => '?').join(', ');
  const tombstones = leadIds.map((id) =>
    db
      .prepare(
        'INSERT OR IGNORE INTO erasures (lead_id, erased_at, reason, requested_by, matched_by) VALUES (?, ?, ?, ?, ?)',
      )
      .bind(id, at, erasure.reason, erasure.requestedBy, erasure.matchedBy),
  );
  await db.batch([
    ...also,
    ...tombstones,
    ...removalStatements(db, { sql: `SELECT id FROM leads WHERE id IN (${placeholders})`, bind: [...leadIds] }, at),
  ]);
  return leadIds.length;
}

export interface ErasureRow {
  lead_id: string;
  erased_at: string;
  reason: string;
  requested_by: string;
  matched_by: string | null;
}

export function erasureOf(row: ErasureRow) {
  return { erasedAt: row.erased_at, reason: row.reason, requestedBy: row.requested_by, matchedBy: row.matched_by };
}

/** A lead's tombstone, as the admin API shows it. */
export type Tombstone = ReturnType<typeof erasureOf>;
