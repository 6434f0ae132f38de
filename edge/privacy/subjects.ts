/**
 * @module A person's data on request: find every lead of theirs by email or phone (through the
 * hashes stored with each lead), and erase leads, leaving a tombstone that says when, why and which
 * admin token asked.
 */
import { createHash } from 'node:crypto';
import { emailHash, phoneHash, removalStatements } from './personal-data.ts';

export type Subject = { email: string } | { phone: string };

/** The ids of the leads that hold this person's email or phone (E.164), newest first. */
export async function subjectLeadIds(db: D1Database, subject: Subject): Promise<string[]> {
  const [column, hash] =
    'email' in subject ? ['email_hash', emailHash(subject.email)] : ['phone_hash', phoneHash(subject.phone)];
  const { results } = await db
    .prepare(`SELECT id FROM leads WHERE ${column} = ? ORDER BY created_at DESC LIMIT 1000`)
    .bind(hash)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** Which admin token asked, without keeping the token: the first 12 hex digits of its SHA-256. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

export interface Erasure {
  reason: string;
  requestedBy: string;
  /** The kind of identifier the request named (`email`, `phone`), or none for one lead by id. */
  matchedBy: string | null;
}

/** Erases the personal data of these leads (not yet erased) and writes their tombstones, in one batch. */
export async function eraseLeads(db: D1Database, leadIds: readonly string[], erasure: Erasure): Promise<number> {
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
    ...tombstones,
    ...removalStatements(db, { sql: `SELECT id FROM leads WHERE id IN (${placeholders})`, bind: [...leadIds] }, at),
  ]);
  return leadIds.length;
}

export async function loadErasure(db: D1Database, leadId: string) {
  const row = await db
    .prepare('SELECT erased_at, reason, requested_by, matched_by FROM erasures WHERE lead_id = ?')
    .bind(leadId)
    .first<{ erased_at: string; reason: string; requested_by: string; matched_by: string | null }>();
  return row
    ? { erasedAt: row.erased_at, reason: row.reason, requestedBy: row.requested_by, matchedBy: row.matched_by }
    : null;
}
