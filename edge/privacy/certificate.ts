/**
 * @module Consent certificates: one lead's consent evidence as the relay stored it (its form's texts
 * by version, each with its SHA-256 and whether it was ticked; the offers shown and chosen; when,
 * from which address and browser, on which page; the consent tokens; the snapshot of the consent
 * markup), signed and checked again. The signature is HMAC-SHA-256 under `CERTIFICATE_SECRET` of the
 * body's canonical hash (SHA-256 of its JSON with every object's keys sorted, security/canonical-hash.ts),
 * so the order of keys in a copy never matters and the change of any value always does.
 */
import { type CertificateBody, type SignedCertificate, signedCertificateSchema } from '../../shared/certificate.ts';
import { getLead } from '../delivery/store.ts';
import { ApiError } from '../errors.ts';
import { loadTexts } from '../forms/texts-history.ts';
import { sha256Hex } from '../intake/checks.ts';
import { loadConsentRecord } from '../ping-post/sessions.ts';
import { canonicalHash } from '../security/canonical-hash.ts';
import { loadSnapshot } from './consent-snapshots.ts';

/** The consents of a lead's form as its consumer was shown them, with the ticks of its lead. */
async function certifiedConsents(
  db: D1Database,
  formId: string,
  textsVersion: string | null,
  ticks: Record<string, boolean>,
) {
  const shown = textsVersion ? await loadTexts(db, formId, textsVersion) : null;
  if (!shown) {
    // A lead stored before the texts were kept: which consents were ticked is all there is.
    return Object.entries(ticks).map(([name, ticked]) => ({ name, text: null, sha256: null, required: null, ticked }));
  }
  return Promise.all(
    shown.texts.consents.map(async ({ name, text, required }) => ({
      name,
      text,
      sha256: sha256Hex(text),
      required,
      ticked: ticks[name] === true,
    })),
  );
}

/** A lead's certificate, unsigned, from what the relay stored; 404 lead_not_found for no such lead. */
export async function buildCertificate(db: D1Database, leadId: string): Promise<CertificateBody> {
  const stored = await getLead(db, leadId);
  if (!stored) throw new ApiError('lead_not_found', 'No lead has this id');
  const { lead } = stored;
  const [record, snapshot] = await Promise.all([loadConsentRecord(db, lead.id), loadSnapshot(db, lead.id)]);
  // A ping/post lead's consent record was written with it and says the same, from the session.
  const textsVersion = record?.textsVersion ?? stored.textsVersion;
  const consentTokens: CertificateBody['consentTokens'] = {};
  if (lead.context.xxTrustedFormCertUrl) consentTokens.xxTrustedFormCertUrl = lead.context.xxTrustedFormCertUrl;
  if (lead.context.leadid_token) consentTokens.leadid_token = lead.context.leadid_token;
  return {
    version: 1,
    leadId: lead.id,
    formId: lead.formId,
    textsVersion,
    consentedAt: record?.consentedAt ?? lead.createdAt,
    ip: record ? record.ip : lead.ip,
    userAgent: record ? record.userAgent : lead.userAgent,
    pageUrl: record ? record.pageUrl : (lead.context.pageUrl ?? null),
    consents: await certifiedConsents(db, lead.formId, textsVersion, lead.consent),
    offers: (record?.offers ?? []).map((o) => ({
      offerId: o.offerId,
      companyName: o.companyName,
      text: o.text,
      sha256: o.textSha256,
      chosen: o.chosen,
    })),
    consentTokens,
    snapshot,
  };
}

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  // Without a secret nothing can be signed or checked: the caller gets 500, the operator this log line.
  if (!secret) throw new Error('CERTIFICATE_SECRET is not set: consent certificates cannot be signed or checked');
  const raw = new TextEncoder().encode(secret);
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** What the signature covers: the body's canonical hash, so key order is no part of it. */
async function signedBytes(body: unknown): Promise<Uint8Array> {
  return new TextEncoder().encode(canonicalHash(body));
}

export async function signCertificate(secret: string, certificate: CertificateBody): Promise<SignedCertificate> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), await signedBytes(certificate));
  const signature = Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
  return { certificate, signature };
}

/**
 * Whether `candidate` is a certificate this relay signed, unchanged: shaped as one, and its signature
 * that of its body under the secret. Anything else, however close, is not.
 */
export async function verifyCertificate(secret: string, candidate: unknown): Promise<boolean> {
  const key = await hmacKey(secret, 'verify');
  const parsed = signedCertificateSchema.safeParse(candidate);
  const hex = parsed.success ? /^(?:[0-9a-f]{2}){32}$/.exec(parsed.data.signature)?.[0] : undefined;
  if (!parsed.success || !hex) return false;
  const mac = Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
  // The body as sent, not as parsed: the signature must cover every byte the holder gave.
  const body = (candidate as { certificate: unknown }).certificate;
  return crypto.subtle.verify('HMAC', key, mac, await signedBytes(body));
}
