import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../../demo/sandbox/keys.ts';
import { app } from '../../../edge/app.ts';
import { dbOf } from '../../../edge/storage/shards.ts';
import type { SignedCertificate } from '../../../shared/certificate.ts';
import type { PublicForm } from '../../../shared/form.ts';
import { admin, PAGE_ORIGIN, relay } from '../helpers.ts';
import {
  LEADID_TOKEN,
  pingPostLead,
  plainLead,
  TAKEPAYMENTS_CONSENT,
  TAKEPAYMENTS_MARKUP,
  TRUSTEDFORM_CERT_URL,
} from '../privacy/consented-leads.ts';

async function sha256(text: string) {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function certificateOf(leadId: string, accept = 'application/json') {
  return admin(`/leads/${leadId}/certificate`, { headers: { accept } });
}

async function verified(certificate: unknown): Promise<boolean> {
  const response = await relay('/v1/certificates/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.99' },
    body: JSON.stringify(certificate),
  });
  return ((await response.json()) as { valid: boolean }).valid;
}

async function textsVersionOf(formId: string) {
  return ((await (await relay(`/v1/forms/${formId}`)).json()) as PublicForm).textsVersion;
}

describe('GET /v1/admin/leads/:leadId/certificate', () => {
  it('certifies a plain lead: its form’s texts by version, each hashed and ticked, where and when, and the snapshot', async () => {
    const { leadId, ip, userAgent } = await plainLead({
      consentMarkup: TAKEPAYMENTS_MARKUP,
      context: { xxTrustedFormCertUrl: TRUSTEDFORM_CERT_URL },
    });
    const response = await certificateOf(leadId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const signed = (await response.json()) as SignedCertificate;
    const stored = await dbOf(env, leadId)
      .prepare('SELECT created_at FROM leads WHERE id = ?')
      .bind(leadId)
      .first<{ created_at: string }>();
    expect(signed.certificate).toEqual({
      version: 1,
      leadId,
      formId: 'demo-takepayments',
      textsVersion: await textsVersionOf('demo-takepayments'),
      consentedAt: stored?.created_at,
      ip,
      userAgent,
      pageUrl: 'http://localhost:5173/quote?utm_source=google',
      consents: [
        {
          name: 'contact',
          text: TAKEPAYMENTS_CONSENT,
          sha256: await sha256(TAKEPAYMENTS_CONSENT),
          required: true,
          ticked: true,
        },
      ],
      offers: [],
      consentTokens: { xxTrustedFormCertUrl: TRUSTEDFORM_CERT_URL },
      snapshot: {
        markup: TAKEPAYMENTS_MARKUP,
        sha256: await sha256(TAKEPAYMENTS_MARKUP),
        receivedAt: stored?.created_at,
      },
    });
    expect(signed.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(await verified(signed)).toBe(true);
  });

  it('certifies a ping/post lead: every offer shown with its exact text and hash, and which was chosen', async () => {
    const { leadId, ip, userAgent, offers } = await pingPostLead({
      consentMarkup: '<div class="lc-offers" slot="offers">…</div>',
      context: { xxTrustedFormCertUrl: TRUSTEDFORM_CERT_URL, leadid_token: LEADID_TOKEN },
    });
    const signed = (await (await certificateOf(leadId)).json()) as SignedCertificate;
    const record = await dbOf(env, leadId)
      .prepare('SELECT consented_at FROM consent_records WHERE lead_id = ?')
      .bind(leadId)
      .first<{ consented_at: string }>();
    expect(signed.certificate).toMatchObject({
      leadId,
      formId: 'demo-leadexec',
      textsVersion: await textsVersionOf('demo-leadexec'),
      consentedAt: record?.consented_at,
      ip,
      userAgent,
      pageUrl: `${PAGE_ORIGIN}/solar?utm_source=test`,
      consents: [],
      consentTokens: { xxTrustedFormCertUrl: TRUSTEDFORM_CERT_URL, leadid_token: LEADID_TOKEN },
    });
    expect(signed.certificate.offers).toEqual(
      await Promise.all(
        offers.map(async (offer, i) => ({
          offerId: offer.offerId,
          companyName: offer.companyName,
          text: offer.tcpa.text,
          sha256: await sha256(offer.tcpa.text),
          chosen: i === 1,
        })),
      ),
    );
    expect(signed.certificate.offers[0]?.text).toContain('Sunrise Solar Co may call and text me');
    expect(await verified(signed)).toBe(true);
  });

  it('says a lead sent without a snapshot has none, and still certifies the rest', async () => {
    const { leadId } = await plainLead();
    const signed = (await (await certificateOf(leadId)).json()) as SignedCertificate;
    expect(signed.certificate.snapshot).toBeNull();
    expect(signed.certificate.consentTokens).toEqual({});
    expect(await verified(signed)).toBe(true);
  });

  it('prints as a plain page with no script and no style, every value escaped and the snapshot shown as markup', async () => {
    const { leadId, ip } = await plainLead({ consentMarkup: TAKEPAYMENTS_MARKUP });
    const json = (await (await certificateOf(leadId)).json()) as SignedCertificate;
    const response = await certificateOf(leadId, 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('vary')).toContain('Accept');
    // The relay's own policy stands: it allows nothing, and the page needs nothing.
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const page = await response.text();
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=|<link|<img|<iframe/i);
    expect(page).toContain(TAKEPAYMENTS_CONSENT);
    expect(page).toContain(json.certificate.consents[0]?.sha256);
    expect(page).toContain(ip);
    expect(page).toContain(json.signature);
    // The snapshot came from a browser: shown escaped, never rendered.
    expect(page).toContain('&lt;div class=&quot;check&quot; part=&quot;consent&quot;&gt;');
    expect(page).not.toContain('<input id="lc-consent-contact"');
  });

  it('prints a ping/post lead’s offers with who was chosen', async () => {
    const { leadId, offers } = await pingPostLead();
    const page = await (await certificateOf(leadId, 'text/html')).text();
    expect(page).toContain('Offers shown');
    for (const offer of offers) expect(page).toContain(offer.companyName);
    expect(page).toMatch(/<td>Yes<\/td><\/tr>/);
  });

  it('escapes what a consumer’s browser sent, so a hostile snapshot or page URL stays text', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const { leadId } = await plainLead({
      consentMarkup: hostile,
      context: { pageUrl: 'http://localhost:5173/"><script>alert(3)</script>' },
    });
    const page = await (await certificateOf(leadId, 'text/html')).text();
    expect(page).not.toMatch(/<script|<img/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('answers JSON when the Accept header names neither', async () => {
    const { leadId } = await plainLead();
    const response = await certificateOf(leadId, 'image/png');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('needs the admin token', async () => {
    const { leadId } = await plainLead();
    const response = await relay(`/v1/admin/leads/${leadId}/certificate`);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(leadId);
  });

  it('answers 404 lead_not_found for an unknown lead', async () => {
    const response = await certificateOf('no-such-lead');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('lead_not_found');
  });

  it('answers 500 internal_error, and nothing of the lead, when CERTIFICATE_SECRET is not set', async () => {
    const { leadId, ip } = await plainLead({ consentMarkup: TAKEPAYMENTS_MARKUP });
    const headers = { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` };
    const response = await app.request(
      `/v1/admin/leads/${leadId}/certificate`,
      { headers },
      {
        ...env,
        CERTIFICATE_SECRET: '',
      },
    );
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong on our side' },
    });
    expect(body).not.toContain(ip);
    expect(body).not.toContain('CERTIFICATE_SECRET');
  });
});
