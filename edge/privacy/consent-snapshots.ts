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

export interface SnapshotRow {
  lead_id: string;
  markup: string;
  sha256: string;
  received_at: string;
}

export function snapshotOf(row: SnapshotRow) {
  return { markup: row.markup, sha256: row.sha256, receivedAt: row.received_at };
}
