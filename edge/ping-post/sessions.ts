/**
 * @module Ping sessions, sealed, and consent records in D1. A session keeps what the relay presented
 * for one ping (LeadExec's order id, the offers exactly as shown with the SHA-256 of each consent
 * text, a hash of the pinged answers); the browser holds it only sealed, as the session id.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
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

const SESSION_KEY_INFO = new TextEncoder().encode('lead-capture ping session v1');
const sessionKeys = new Map<string, Promise<CryptoKey>>();

/**
 * The key that seals sessions: derived (HKDF) from `CERTIFICATE_SECRET`, the relay's evidence
 * secret, so a session is as trustworthy as the certificate later made from it and no deployment
 * needs one more secret. Derived once per isolate.
 */
function sessionKey(secret: string | undefined): Promise<CryptoKey> {
  if (!secret) throw new Error('CERTIFICATE_SECRET is not set: ping sessions cannot be sealed or opened');
  let key = sessionKeys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, ['deriveKey'])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: SESSION_KEY_INFO },
          base,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        ),
      );
    sessionKeys.set(secret, key);
  }
  return key;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array | undefined {
  if (!/^[\w-]+$/.test(text)) return undefined;
  try {
    return Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * The session sealed into the id the browser holds: AES-GCM (a fresh 96-bit IV each) over the
 * compressed JSON. A ping writes nothing: the consumer's wait for offers has no database write in
 * it, and pings scale without D1 (SCALING.md). The browser can neither read the order id nor alter
 * an offer; a session is used once because the consent record's UNIQUE session id says so.
 */
export async function sealSession(secret: string | undefined, session: PingSession): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = deflateRawSync(JSON.stringify(session));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await sessionKey(secret), plain));
  const token = new Uint8Array(iv.length + sealed.length);
  token.set(iv);
  token.set(sealed, iv.length);
  return base64url(token);
}

/** The session a sealed id holds; null for anything this relay did not seal (altered, foreign, not an id). */
export async function openSession(secret: string | undefined, token: string): Promise<PingSession | null> {
  const key = await sessionKey(secret);
  const bytes = fromBase64url(token);
  if (!bytes || bytes.length < 12 + 16) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, 12) }, key, bytes.subarray(12));
    return JSON.parse(inflateRawSync(new Uint8Array(plain)).toString('utf8'));
  } catch {
    return null;
  }
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
export interface ConsentRecordRow {
  lead_id: string;
  form_id: string;
  texts_version: string;
  consented_at: string;
  ip: string | null;
  user_agent: string | null;
  page_url: string | null;
  phone: string | null;
  offers: string;
}

export function consentRecordOf(row: ConsentRecordRow) {
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
