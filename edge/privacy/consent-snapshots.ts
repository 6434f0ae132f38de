/**
 * @module Consent snapshots in D1: the consent section's markup as the widget rendered it at submit,
 * hashed by the relay on receipt, kept with the lead it came with.
 */
import { sha256Hex } from '../intake/checks.ts';

/** The insert of a lead's snapshot, for the lead's own batch (`leadWrite`). */
export function snapshotStatement(
  db: D1Database,
  lead: { id: string; createdAt: string },
  markup: string,
): D1PreparedStatement {
  return db
    .prepare('INSERT INTO consent_snapshots (lead_id, markup, sha256, received_at) VALUES (?, ?, ?, ?)')
    .bind(lead.id, markup, sha256Hex(markup), lead.createdAt);
}

export async function loadSnapshot(db: D1Database, leadId: string) {
  const row = await db
    .prepare('SELECT markup, sha256, received_at FROM consent_snapshots WHERE lead_id = ?')
    .bind(leadId)
    .first<{ markup: string; sha256: string; received_at: string }>();
  return row ? { markup: row.markup, sha256: row.sha256, receivedAt: row.received_at } : null;
}
