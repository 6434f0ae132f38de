/**
 * The widget on pages partners write: one with a strict Content-Security-Policy, and plain pages
 * where content follows the form, measured for layout shift the way Chromium reports it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../chromium.ts';
import { type DemoServer, startDemo } from './demo-server.ts';
import { askForSolarQuotes } from './solar-form.ts';

let demo: DemoServer;
let browser: Browser;

beforeAll(async () => {
  demo = await startDemo();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/** Serves one page with the given headers on a port of its own (another origin than the relay's). */
async function partnerPage(body: string, headers: Record<string, string> = {}): Promise<Server & { url: string }> {
  const server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html', ...headers });
    response.end(`<!doctype html><html lang="en"><head><title>Partner</title>
      <meta name="viewport" content="width=device-width, initial-scale=1"></head><body>${body}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
}

/** Every `securitypolicyviolation` on the page, in the document or inside the widget's shadow root. */
async function recordViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('recordViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) =>
        (window as unknown as { recordViolation: (t: string) => void }).recordViolation(
          `${e.violatedDirective} ${e.blockedURI} ${e.sample}`,
        ),
      true,
    );
  });
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  return violations;
}

describe('a partner page with a strict Content-Security-Policy', () => {
  const policy = () =>
    `default-src 'self'; script-src 'self' ${demo.relay}; connect-src ${demo.relay}; style-src 'self'`;

  it('completes a lead with no policy violation, and the check would see one', async () => {
    const partner = await partnerPage(
      `<main><h1>Card machines</h1>
        <script src="${demo.relay}/widget.js" data-form="demo-takepayments" async></script></main>`,
      { 'content-security-policy': policy() },
    );
    const page = await browser.newPage();
    try {
      const violations = await recordViolations(page);
      await page.goto(partner.url);
      await page.getByLabel('First name').fill('Mary');
      await page.getByLabel('Last name').fill('Somerville');
      await page.getByLabel('Email').fill(`mary.${Date.now()}@example.com`);
      await page.getByLabel('I agree that takepayments may contact me').check();
      await page.getByRole('button', { name: 'Request a call back' }).click();
      await page.getByRole('heading', { name: 'Thank you' }).waitFor();
      expect(violations).toEqual([]);

      await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p style="color: red">inline</p>'));
      await expect.poll(() => violations.length).toBe(1);
    } finally {
      await page.close();
      partner.close();
    }
  });

  it('loads the offers part on a page that allows scripts only by nonce', async () => {
    const partner = await partnerPage(
      `<main><script nonce="p4rtn3r" src="${demo.relay}/widget.js" data-form="demo-leadexec" data-redirect="never" async></script></main>`,
      {
        'content-security-policy': `default-src 'self'; script-src 'nonce-p4rtn3r'; connect-src ${demo.relay}; style-src 'self'`,
      },
    );
    const page = await browser.newPage();
    try {
      const violations = await recordViolations(page);
      await page.goto(partner.url);
      await askForSolarQuotes(page, `ada.nonce.${Date.now()}@example.com`);
      await page.locator('lead-capture > .lc-offers .lc-offer').first().waitFor();
      expect(violations).toEqual([]);
    } finally {
      await page.close();
      partner.close();
    }
  });

  it('shows the offers and their consent texts with no policy violation', async () => {
    const partner = await partnerPage(
      `<main><script src="${demo.relay}/widget.js" data-form="demo-leadexec" data-redirect="never" async></script></main>`,
      { 'content-security-policy': policy() },
    );
    const page = await browser.newPage();
    try {
      const violations = await recordViolations(page);
      await page.goto(partner.url);
      await askForSolarQuotes(page, `ada.csp.${Date.now()}@example.com`);
      const offer = page.locator('lead-capture > .lc-offers .lc-offer').first();
      await offer.waitFor();
      // The offers block is styled (its border comes from the adopted sheet), not left bare.
      expect(await offer.evaluate((e) => getComputedStyle(e).borderTopStyle)).toBe('solid');
      await page.locator('lead-capture > .lc-offers .lc-offer input[type="checkbox"]').first().check();
      await page.locator('lead-capture > .lc-offers [data-tf-element-role="submit"]').click();
      await page.getByRole('heading', { name: 'Thank you' }).waitFor();
      expect(violations).toEqual([]);
    } finally {
      await page.close();
      partner.close();
    }
  });
});

/** The page's cumulative layout shift so far, as Chromium reports it (shifts after input excluded). */
function layoutShift(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
            if (!entry.hadRecentInput) total += entry.value;
          }
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve(total), 100);
      }),
  );
}

describe('a plain partner page with content after the form', () => {
  const FORMS = ['demo-takepayments', 'demo-dialler', 'demo-cap', 'demo-getlead', 'demo-leadexec', 'demo-all'];
  // The embed the README gives for a form with content after it: the script where the form goes,
  // without async, so the element holds its place before the content below is first painted.
  const page = (form: string) =>
    partnerPage(`<header><h1>Our offer</h1><p>Tell us about you and we will be in touch.</p></header>
      <script src="${demo.relay}/widget.js" data-form="${form}"></script>
      <footer><p>Partner Ltd · 1 High Street · Privacy</p></footer>`);

  it.each(FORMS)('barely moves while %s loads', async (form) => {
    const partner = await page(form);
    const tab = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await tab.goto(partner.url);
      await tab.locator('lead-capture[data-state="form"]').waitFor();
      await tab.waitForTimeout(300);
      const shift = await layoutShift(tab);
      console.log(`[layout shift] ${form} at load: ${shift.toFixed(4)}`);
      expect(shift).toBeLessThanOrEqual(0.02);
    } finally {
      await tab.close();
      partner.close();
    }
  });

  it('keeps the content below in place when the confirmation replaces the form', async () => {
    const partner = await page('demo-takepayments');
    const tab = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await tab.goto(partner.url);
      await tab.getByLabel('First name').fill('Emmy');
      await tab.getByLabel('Last name').fill('Noether');
      await tab.getByLabel('Email').fill(`emmy.${Date.now()}@example.com`);
      await tab.getByLabel('I agree that takepayments may contact me').check();
      const footerTop = () => tab.locator('footer').evaluate((e) => e.getBoundingClientRect().top + window.scrollY);
      const before = await footerTop();
      await tab.getByRole('button', { name: 'Request a call back' }).click();
      const heading = tab.getByRole('heading', { name: 'Thank you' });
      await heading.waitFor();
      expect(await footerTop()).toBe(before);
      expect(await heading.evaluate((e) => e === (e.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    } finally {
      await tab.close();
      partner.close();
    }
  });
});
