/**
 * @module Consent certificates, signed and checked: one lead's consent evidence as the relay stored it
 * (built by archive/lead-record.ts, for a lead in D1 and an archived one alike: its form's texts
 * by version, each with its SHA-256 and whether it was ticked; the offers shown and chosen; when,
 * from which address and browser, on which page; the consent tokens; the snapshot of the consent
 * markup). The signature is HMAC-SHA-256 under `CERTIFICATE_SECRET` of the
 * body's canonical hash (SHA-256 of its JSON with every object's keys sorted, security/canonical-hash.ts),
 * so the order of keys in a copy never matters and the change of any value always does.
 */
import { type CertificateBody, type SignedCertificate, signedCertificateSchema } from '../../shared/certificate.ts';
import { canonicalHash } from '../security/canonical-hash.ts';

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

/** The relay's signature of a body (a certificate, an archive manifest), in hex. */
export async function signBody(secret: string, body: unknown): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), await signedBytes(body));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function signCertificate(secret: string, certificate: CertificateBody): Promise<SignedCertificate> {
  return { certificate, signature: await signBody(secret, certificate) };
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
