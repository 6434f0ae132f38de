/**
 * @module Ping sessions and consent records in D1. A session keeps what the relay presented for one
 * ping (LeadExec's order id, the offers exactly as shown with the SHA-256 of each consent text, a
 * hash of the pinged answers) under an unguessable id; the browser only ever sees that id.
 */
import type { Offer } from '../../shared/ping-post.ts';

export interface PresentedOffer extends Offer {
  /** SHA-256 of `tcpa.text`, computed by the relay from what it presented. */
  textSha256: string;
}

export interface PingSession {
  id: string;
  formId: string;
  destination: number;
  orderId: string;
  offers: PresentedOffer[];
  fieldsHash: string;
  expiresAt: string;
  createdAt: string;
}

interface SessionRow {
  id: string;
  form_id: string;
  destination: number;
  order_id: string;
  offers: string;
  fields_hash: string;
  expires_at: string;
  created_at: string;
}

export async function saveSession(db: D1Database, session: PingSession): Promise<void> {
  await db
    .prepare(
      'INSERT INTO ping_sessions (id, form_id, destination, order_id, offers, fields_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(
      session.id,
      session.formId,
      session.destination,
      session.orderId,
      JSON.stringify(session.offers),
      session.fieldsHash,
      session.expiresAt,
      session.createdAt,
    )
    .run();
}

export async function loadSession(db: D1Database, id: string): Promise<PingSession | null> {
  const row = await db.prepare('SELECT * FROM ping_sessions WHERE id = ?').bind(id).first<SessionRow>();
  if (!row) return null;
  return {
    id: row.id,
    formId: row.form_id,
    destination: row.destination,
    orderId: row.order_id,
    offers: JSON.parse(row.offers),
    fieldsHash: row.fields_hash,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

/** The lead that answered a session, if one did, with the hash of the request that made it. */
export async function sessionAnswer(db: D1Database, id: string): Promise<{ leadId: string; bodyHash: string } | null> {
  return db
    .prepare(
      'SELECT l.id AS leadId, l.body_hash AS bodyHash FROM consent_records c JOIN leads l ON l.id = c.lead_id WHERE c.session_id = ?',
    )
    .bind(id)
    .first<{ leadId: string; bodyHash: string }>();
}

/** The evidence of one consumer's choice: every offer shown, its exact text and hash, and whether chosen. */
export interface ConsentRecord {
  leadId: string;
  sessionId: string;
  orderId: string;
  formId: string;
  textsVersion: string;
  consentedAt: string;
  ip: string | null;
  userAgent: string | null;
  pageUrl: string | null;
  phone: string | null;
  offers: { offerId: string; companyName: string; text: string; textSha256: string; chosen: boolean }[];
}

/** The insert of a consent record, for the lead's own batch (its UNIQUE session id closes replays). */
export function consentRecordStatement(db: D1Database, record: ConsentRecord): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO consent_records (lead_id, session_id, order_id, form_id, texts_version, consented_at, ip, user_agent, page_url, phone, offers)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      record.leadId,
      record.sessionId,
      record.orderId,
      record.formId,
      record.textsVersion,
      record.consentedAt,
      record.ip,
      record.userAgent,
      record.pageUrl,
      record.phone,
      JSON.stringify(record.offers),
    );
}

/** The consent record shown to an admin; the order id stays out of it like everywhere else. */
export async function loadConsentRecord(db: D1Database, leadId: string) {
  const row = await db.prepare('SELECT * FROM consent_records WHERE lead_id = ?').bind(leadId).first<{
    form_id: string;
    texts_version: string;
    consented_at: string;
    ip: string | null;
    user_agent: string | null;
    page_url: string | null;
    phone: string | null;
    offers: string;
  }>();
  if (!row) return null;
  return {
    formId: row.form_id,
    textsVersion: row.texts_version,
    consentedAt: row.consented_at,
    ip: row.ip,
    userAgent: row.user_agent,
    pageUrl: row.page_url,
    phone: row.phone,
    offers: JSON.parse(row.offers) as ConsentRecord['offers'],
  };
}
