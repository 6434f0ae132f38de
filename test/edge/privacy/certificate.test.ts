import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { signCertificate, verifyCertificate } from '../../../edge/privacy/certificate.ts';
import { leadCertificate } from '../../../edge/routes/admin-lead.ts';
import type { SignedCertificate } from '../../../shared/certificate.ts';
import { LEADID_TOKEN, pingPostLead, plainLead, TAKEPAYMENTS_MARKUP, TRUSTEDFORM_CERT_URL } from './consented-leads.ts';

const SECRET = env.CERTIFICATE_SECRET;

/** Every value in `value`, by its path: the places a forger could change. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  }
  return [path];
}

/** A copy of `value` with the value at `path` changed as little as its type allows. */
function alteredAt<T>(value: T, path: (string | number)[]): T {
  const copy = structuredClone(value);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  const old = parent[last];
  if (typeof old === 'string') {
    // One character, the last, moved by one code point: the smallest change a string can take.
    parent[last] = old === '' ? ' ' : old.slice(0, -1) + String.fromCharCode(old.charCodeAt(old.length - 1) ^ 1);
  } else if (typeof old === 'boolean') parent[last] = !old;
  else if (typeof old === 'number') parent[last] = old + 1;
  else parent[last] = 'x';
  return copy;
}

/** The same value with every object's keys in reverse order. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((key) => [key, reordered((value as Record<string, unknown>)[key])]),
  );
}

let genuine: SignedCertificate;
let plain: SignedCertificate;

// Made in beforeEach, not beforeAll: the sandbox answers LeadExec's calls only once a test runs.
beforeEach(async () => {
  if (genuine) return;
  const tokens = { xxTrustedFormCertUrl: TRUSTEDFORM_CERT_URL, leadid_token: LEADID_TOKEN };
  // A ping/post lead with a snapshot and both consent tokens: offers shown and chosen.
  const posted = await pingPostLead({ consentMarkup: '<div class="lc-offers" slot="offers">…</div>', context: tokens });
  genuine = await signCertificate(SECRET, await leadCertificate(env, posted.leadId));
  // A plain lead: the form's own consent, its text and its tick.
  const sent = await plainLead({ consentMarkup: TAKEPAYMENTS_MARKUP, context: tokens });
  plain = await signCertificate(SECRET, await leadCertificate(env, sent.leadId));
});

describe('a consent certificate', () => {
  it('is signed as HMAC-SHA-256 in hex, and the copy the relay gave verifies', async () => {
    expect(genuine.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyCertificate(SECRET, JSON.parse(JSON.stringify(genuine)))).toBe(true);
  });

  it('is the same, signature included, each time it is built for an unchanged lead', async () => {
    const again = await signCertificate(SECRET, await leadCertificate(env, genuine.certificate.leadId));
    expect(again).toEqual(genuine);
  });

  it('still verifies with the keys of every object in another order', async () => {
    const shuffled = reordered(genuine) as SignedCertificate;
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(genuine));
    expect(await verifyCertificate(SECRET, shuffled)).toBe(true);
  });

  it('is refused with any one value changed, wherever it is', async () => {
    for (const signed of [genuine, plain]) {
      const paths = leaves(signed.certificate);
      for (const path of paths) {
        const forged = { ...signed, certificate: alteredAt(signed.certificate, path) };
        expect(await verifyCertificate(SECRET, forged), `changed at ${path.join('.')}`).toBe(false);
      }
    }
    // Every part of the evidence was there to be changed: texts, hashes, ticks, offers, tokens, snapshot.
    const changed = [...leaves(genuine.certificate), ...leaves(plain.certificate)].map((path) => path.join('.'));
    expect(changed).toEqual(
      expect.arrayContaining([
        'consents.0.text',
        'consents.0.sha256',
        'consents.0.ticked',
        'offers.1.text',
        'offers.1.chosen',
        'consentTokens.xxTrustedFormCertUrl',
        'snapshot.markup',
        'snapshot.sha256',
        'ip',
        'consentedAt',
      ]),
    );
  });

  it('is refused with a key added or taken away', async () => {
    const added = { ...genuine, certificate: { ...genuine.certificate, note: 'approved' } };
    const { snapshot: _, ...withoutSnapshot } = genuine.certificate;
    expect(await verifyCertificate(SECRET, added)).toBe(false);
    expect(await verifyCertificate(SECRET, { ...genuine, certificate: withoutSnapshot })).toBe(false);
    expect(await verifyCertificate(SECRET, { ...genuine, extra: true })).toBe(false);
  });

  it('is refused with its signature changed, shortened, upper-cased or missing', async () => {
    const { signature } = genuine;
    const flipped = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
    for (const forged of [flipped, signature.slice(0, -2), signature.toUpperCase(), '', `${signature}00`]) {
      expect(await verifyCertificate(SECRET, { ...genuine, signature: forged }), forged).toBe(false);
    }
    expect(await verifyCertificate(SECRET, { certificate: genuine.certificate })).toBe(false);
  });

  it('is refused when signed under another secret', async () => {
    const other = await signCertificate('another-relays-secret', genuine.certificate);
    expect(other.signature).not.toBe(genuine.signature);
    expect(await verifyCertificate(SECRET, other)).toBe(false);
    expect(await verifyCertificate('another-relays-secret', genuine)).toBe(false);
  });

  it('is refused when it is not a certificate at all', async () => {
    for (const candidate of [null, 'certificate', [], {}, { certificate: 'x', signature: genuine.signature }]) {
      expect(await verifyCertificate(SECRET, candidate)).toBe(false);
    }
  });

  it('can be neither signed nor checked without a secret', async () => {
    await expect(signCertificate('', genuine.certificate)).rejects.toThrow(/CERTIFICATE_SECRET is not set/);
    await expect(verifyCertificate('', genuine)).rejects.toThrow(/CERTIFICATE_SECRET is not set/);
  });
});
