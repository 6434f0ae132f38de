/**
 * Consent evidence end to end: a partner page carrying stand-ins for TrustedForm's and Jornaya's
 * scripts (each writes its hidden input the way the real one does), a consumer who consents in
 * Chromium, and the certificate the admin API then gives: its snapshot says what was on screen, its
 * signature verifies, and the tokens reached the lead and LeadExec.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../demo/sandbox/keys.ts';
import type { SignedCertificate } from '../../shared/certificate.ts';
import { CHROMIUM_ARGS, chromiumPath } from '../chromium.ts';
import { type DemoServer, startDemo } from './demo-server.ts';
import { askForSolarQuotes } from './solar-form.ts';

const CERT_URL = `https://cert.trustedform.com/${createHash('sha1').update(String(Date.now())).digest('hex')}`;
const LEADID = crypto.randomUUID().toUpperCase();

/**
 * TrustedForm's script adds a hidden `xxTrustedFormCertUrl` input to every form on the page once
 * it has a certificate; Jornaya's creates `#leadid_token` and fills it a moment later.
 */
const SCRIPTS: Record<string, string> = {
  '/trustedform.js': `setTimeout(() => {
    for (const form of document.forms) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = 'xxTrustedFormCertUrl';
      input.id = 'xxTrustedFormCertUrl_0';
      input.value = ${JSON.stringify(CERT_URL)};
      form.append(input);
    }
  }, 200);`,
  '/leadid.js': `const input = document.createElement('input');
    input.type = 'hidden';
    input.id = 'leadid_token';
    input.name = 'universal_leadid';
    document.forms[0].append(input);
    setTimeout(() => { input.value = ${JSON.stringify(LEADID)}; }, 300);`,
};

let demo: DemoServer;
let browser: Browser;
let partner: Server & { url: string };

beforeAll(async () => {
  demo = await startDemo();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  partner = await partnerSite();
});

afterAll(async () => {
  partner?.close();
  await browser?.close();
  await demo?.stop();
});

/** The partner's site on its own origin: its page for a form, and the two stand-in scripts. */
async function partnerSite(): Promise<Server & { url: string }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://partner.test');
    const script = SCRIPTS[url.pathname];
    if (script) {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(script);
      return;
    }
    const form = url.searchParams.get('form') ?? '';
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><html lang="en"><head><title>Partner</title></head><body>
      <main><h1>Quotes</h1><form id="newsletter" action="#"><label>Newsletter <input name="news"></label></form>
      <script src="${demo.relay}/widget.js" data-form="${form}" data-redirect="never"></script></main>
      <script src="/trustedform.js" async></script><script src="/leadid.js" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
}

/** Resolves with the lead id of the next lead-success on the page. */
function nextLeadId(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve) =>
        document.addEventListener('lead-success', (e) => resolve((e as CustomEvent).detail.leadId), { once: true }),
      ),
  );
}

/** The text a reader sees in `markup`, laid out by the page itself, white space collapsed. */
function visibleTextOf(page: Page, markup: string): Promise<string> {
  return page.evaluate((html) => {
    const holder = document.createElement('div');
    holder.innerHTML = html;
    document.body.append(holder);
    // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered, hidden parts out, is the point.
    const text = holder.innerText.replace(/\s+/g, ' ').trim();
    holder.remove();
    return text;
  }, markup);
}

function adminGet(path: string) {
  return fetch(`${demo.relay}/v1/admin${path}`, {
    headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
  });
}

async function certificateOf(leadId: string): Promise<SignedCertificate> {
  const response = await adminGet(`/leads/${leadId}/certificate`);
  expect(response.status).toBe(200);
  return (await response.json()) as SignedCertificate;
}

async function verified(certificate: SignedCertificate): Promise<boolean> {
  const response = await fetch(`${demo.relay}/v1/certificates/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(certificate),
  });
  return ((await response.json()) as { valid: boolean }).valid;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('consent evidence from a partner page', () => {
  it('certifies a ping/post lead with the offers exactly as on screen, and its tokens reach the lead and LeadExec', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${partner.url}?form=demo-leadexec`);
      await askForSolarQuotes(page, `katherine.${Date.now()}@example.com`);
      const block = page.locator('lead-capture > .lc-offers');
      await block.locator('.lc-offer').first().waitFor();
      await block.locator('.lc-offer input[type="checkbox"]').nth(1).check();
      // Both stand-ins have written their tokens by now, as the real scripts would well before a consumer is done.
      await page.waitForFunction(() => (document.querySelector('#leadid_token') as HTMLInputElement | null)?.value);
      // biome-ignore lint/performance/useDomNodeTextContent: what is on screen, as rendered, is the point.
      const onScreen = (await block.innerText()).replace(/\s+/g, ' ').trim();
      const leadId = nextLeadId(page);
      await block.locator('[data-tf-element-role="submit"]').click();
      await page.getByRole('heading', { name: 'Thank you' }).waitFor();

      const signed = await certificateOf(await leadId);
      const { certificate } = signed;
      expect(certificate.formId).toBe('demo-leadexec');
      expect(certificate.offers.map((o) => o.chosen)).toEqual([false, true]);
      for (const offer of certificate.offers) {
        expect(onScreen).toContain(offer.text);
        expect(offer.sha256).toBe(sha256(offer.text));
      }
      expect(certificate.pageUrl).toBe(`${partner.url}?form=demo-leadexec`);
      expect(certificate.userAgent).toBe(await page.evaluate(() => navigator.userAgent));
      // The snapshot says what the consumer saw: the same words, and the box they ticked ticked.
      const snapshot = certificate.snapshot;
      expect(snapshot?.sha256).toBe(sha256(snapshot?.markup ?? ''));
      expect(await visibleTextOf(page, snapshot?.markup ?? '')).toBe(onScreen);
      expect(snapshot?.markup).not.toContain('<!--');
      const ticked = await page.evaluate((html) => {
        const holder = document.createElement('div');
        holder.innerHTML = html;
        return [...holder.querySelectorAll('.lc-offer input')].map((box) => box.hasAttribute('checked'));
      }, snapshot?.markup ?? '');
      expect(ticked).toEqual([false, true]);
      expect(await verified(signed)).toBe(true);

      expect(certificate.consentTokens).toEqual({ xxTrustedFormCertUrl: CERT_URL, leadid_token: LEADID });
      const lead = (await (await adminGet(`/leads/${certificate.leadId}`)).json()) as { context: object };
      expect(lead.context).toMatchObject({ xxTrustedFormCertUrl: CERT_URL, leadid_token: LEADID });
      const received = (await (await fetch(`${demo.sandbox}/_sandbox/received?provider=leadexec`)).json()) as {
        path: string;
        body: string;
      }[];
      const post = received.find((r) => r.path.endsWith('/v2/insert/general') && r.body.includes(certificate.leadId));
      expect(JSON.parse(post?.body ?? '{}').leads[0].fields).toMatchObject({
        TrustedFormCertUrl: CERT_URL,
        LeadiD: LEADID,
      });
    } finally {
      await page.close();
    }
  });

  it('certifies a plain lead with the form’s consent section exactly as on screen', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${partner.url}?form=demo-takepayments`);
      await page.getByLabel('First name').fill('Mary');
      await page.getByLabel('Last name').fill('Jackson');
      await page.getByLabel('Email').fill(`mary.${Date.now()}@example.com`);
      await page.getByLabel('I agree that takepayments may contact me').check();
      const section = page.locator('lead-capture [part="consent"]');
      const onScreen = (await section.allInnerTexts()).join(' ').replace(/\s+/g, ' ').trim();
      const leadId = nextLeadId(page);
      await page.getByRole('button', { name: 'Request a call back' }).click();
      await page.getByRole('heading', { name: 'Thank you' }).waitFor();

      const signed = await certificateOf(await leadId);
      const { certificate } = signed;
      expect(certificate.consents).toEqual([
        {
          name: 'contact',
          text: 'I agree that takepayments may contact me about card payment services.',
          sha256: sha256('I agree that takepayments may contact me about card payment services.'),
          required: true,
          ticked: true,
        },
      ]);
      expect(await visibleTextOf(page, certificate.snapshot?.markup ?? '')).toBe(onScreen);
      expect(certificate.snapshot?.markup).toContain('checked=""');
      expect(certificate.snapshot?.markup).not.toContain('Mary');
      expect(await verified(signed)).toBe(true);

      // The printable page, opened as a browser opens it: HTML by its Accept, nothing the policy blocks.
      const blocked: string[] = [];
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) blocked.push(message.text());
      });
      await page.setExtraHTTPHeaders({ authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` });
      await page.goto(`${demo.relay}/v1/admin/leads/${certificate.leadId}/certificate`);
      await page.getByRole('heading', { name: 'Consent certificate' }).waitFor();
      expect(await page.locator('main').textContent()).toContain(signed.signature);
      expect(blocked).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
