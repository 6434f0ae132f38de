/**
 * The operator console from the consumer's side to the operator's: a person on a partner page
 * views the solar form, starts it, reaches its second step and submits, choosing an offer; the
 * same numbers come back from /v1/admin/stats and show on the admin page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../demo/sandbox/keys.ts';
import { CHROMIUM_ARGS, chromiumPath } from '../chromium.ts';
import { type DemoServer, startDemo } from './demo-server.ts';
import { askForSolarQuotes } from './solar-form.ts';

let demo: DemoServer;
let browser: Browser;
let partner: Server;
let origin: string;

beforeAll(async () => {
  demo = await startDemo();
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  partner = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><html lang="en"><head><title>Solar</title></head><body>
      <main><script src="${demo.relay}/widget.js" data-form="demo-leadexec" data-redirect="never"></script></main></body></html>`);
  });
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
});

afterAll(async () => {
  partner?.close();
  await browser?.close();
  await demo?.stop();
});

interface Stats {
  funnel: {
    views: number;
    starts: number;
    steps: { step: number; reached: number }[];
    submits: number;
    successes: number;
    offersShown: number;
    offersChosen: number;
  };
  leads: { total: number };
  byOrigin: { origin: string; views: number; leads: number }[];
  byUtmSource: { utmSource: string; views: number }[];
}

async function stats(): Promise<Stats> {
  const response = await fetch(`${demo.relay}/v1/admin/stats?form=demo-leadexec&origin=${encodeURIComponent(origin)}`, {
    headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
  });
  return (await response.json()) as Stats;
}

describe('the funnel, from a partner page to the admin page', () => {
  it('counts view, start, step two, submit and success, and the admin page shows the same numbers', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/?utm_source=funnel-test`);
      await page.getByLabel('ZIP code').waitFor();
      await expect.poll(async () => (await stats()).funnel.views, { timeout: 10_000 }).toBe(1);

      await askForSolarQuotes(page, `ada.funnel.${Date.now()}@example.com`);
      await page.locator('lead-capture > .lc-offers .lc-offer input[type="checkbox"]').nth(1).check();
      await page.locator('lead-capture > .lc-offers [data-tf-element-role="submit"]').click();
      await page.getByText('The installers you chose will be in touch shortly').waitFor();

      await expect
        .poll(async () => (await stats()).funnel, { timeout: 10_000 })
        .toEqual({
          views: 1,
          starts: 1,
          steps: [{ step: 1, reached: 1 }],
          submits: 1,
          successes: 1,
          errors: [],
          offersShown: 2,
          offersChosen: 1,
        });
      const numbers = await stats();
      expect(numbers.leads.total).toBe(1);
      expect(numbers.byOrigin).toEqual([expect.objectContaining({ origin, views: 1, leads: 1 })]);
      expect(numbers.byUtmSource).toEqual([expect.objectContaining({ utmSource: 'funnel-test', views: 1 })]);

      await page.goto(`${demo.relay}/admin.html`);
      await page.getByLabel('Admin token').fill(SANDBOX_SECRETS.ADMIN_TOKEN);
      await page.getByLabel('Numbers of form').fill('demo-leadexec');
      await page.getByLabel('Partner origin').fill(origin);
      await page.getByRole('button', { name: 'Show numbers' }).click();
      const funnel = page.getByRole('img', { name: /^Funnel:/ });
      await funnel.waitFor();
      expect(await funnel.getAttribute('aria-label')).toBe(
        'Funnel: Viewed 1, Started 1, Reached step 2 1, Submitted 1, Succeeded 1, Offers shown 2, Offers chosen 1',
      );
      expect(await page.locator('#stats-leads').textContent()).toMatch(/^1 leads: /);
      await page.getByRole('cell', { name: 'leadexec' }).waitFor();
    } finally {
      await page.close();
    }
  });
});
