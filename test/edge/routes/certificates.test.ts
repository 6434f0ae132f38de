import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../../edge/app.ts';
import { VERIFY_PER_MINUTE } from '../../../edge/routes/certificates.ts';
import type { SignedCertificate } from '../../../shared/certificate.ts';
import { admin, relay, testClientIp } from '../helpers.ts';
import { LEADID_TOKEN, plainLead, TAKEPAYMENTS_MARKUP } from '../privacy/consented-leads.ts';

function verify(body: unknown, ip = testClientIp(), headers: Record<string, string> = {}) {
  return relay('/v1/certificates/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A certificate as the admin route gives it, and the personal data it holds. */
async function issued() {
  const sent = await plainLead({ consentMarkup: TAKEPAYMENTS_MARKUP, context: { leadid_token: LEADID_TOKEN } });
  const signed = (await (await admin(`/leads/${sent.leadId}/certificate`)).json()) as SignedCertificate;
  return { ...sent, signed };
}

describe('POST /v1/certificates/verify', () => {
  it('answers valid for a certificate exactly as the admin route gave it, with no token needed', async () => {
    const { signed } = await issued();
    const response = await verify(signed);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ valid: true });
  });

  it('answers not valid for a certificate with one tick changed', async () => {
    const { signed } = await issued();
    const [consent] = signed.certificate.consents;
    const forged = {
      ...signed,
      certificate: { ...signed.certificate, consents: [{ ...consent, ticked: !consent?.ticked }] },
    };
    const response = await verify(forged);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ valid: false });
  });

  it('says nothing but the verdict: no personal data, no reason', async () => {
    const { signed, ip, userAgent } = await issued();
    const forged = { ...signed, certificate: { ...signed.certificate, ip: '192.0.2.200' } };
    for (const candidate of [signed, forged]) {
      const response = await verify(candidate);
      const text = await response.text();
      expect(Object.keys(JSON.parse(text))).toEqual(['valid']);
      for (const personal of [ip, userAgent, signed.certificate.leadId, LEADID_TOKEN, 'ada']) {
        expect(text).not.toContain(personal);
      }
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  it('takes only JSON, and refuses what is not', async () => {
    const { signed } = await issued();
    expect((await verify('{"certificate":', testClientIp())).status).toBe(400);
    const asText = await verify(signed, testClientIp(), { 'content-type': 'text/plain' });
    expect(asText.status).toBe(415);
  });

  it('takes a certificate larger than a lead may be, up to its own limit', async () => {
    const { signed } = await issued();
    const padded = { ...signed, certificate: { ...signed.certificate, userAgent: 'x'.repeat(40_000) } };
    const response = await verify(padded);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ valid: false });
    expect((await verify({ ...padded, signature: 'y'.repeat(200_000) })).status).toBe(413);
  });

  it(`answers 429 rate_limited with Retry-After past ${VERIFY_PER_MINUTE} checks a minute from one address, and serves the next address`, async () => {
    const { signed } = await issued();
    const ip = testClientIp();
    for (let i = 0; i < VERIFY_PER_MINUTE; i++) expect((await verify(signed, ip)).status).toBe(200);
    const limited = await verify(signed, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await verify(signed, testClientIp())).status).toBe(200);
  });

  it('answers 500 internal_error, not a verdict, when CERTIFICATE_SECRET is not set', async () => {
    const { signed } = await issued();
    const response = await app.request(
      '/v1/certificates/verify',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': testClientIp() },
        body: JSON.stringify(signed),
      },
      { ...env, CERTIFICATE_SECRET: '' },
    );
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('internal_error');
  });
});
