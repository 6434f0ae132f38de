import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../demo/sandbox/keys.ts';
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

interface Received {
  body: string;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the demo page', () => {
  it('takes a lead typed into the form all the way to the TakePayments sandbox', async () => {
    const page = await browser.newPage();
    const leadIds: string[] = [];
    await page.exposeFunction('recordLead', (id: string) => leadIds.push(id));
    await page.addInitScript(() => {
      document.addEventListener('lead-success', (e) =>
        (window as unknown as { recordLead: (id: string) => void }).recordLead((e as CustomEvent).detail.leadId),
      );
    });
    await page.goto(`${demo.relay}/`);
    // Playwright's locators pierce the widget's shadow root, as a consumer's clicks do.
    const form = page.locator('#takepayments-form');
    await form.getByLabel('First name').fill('Ada');
    await form.getByLabel('Last name').fill('Lovelace');
    await form.getByLabel('Email').fill('ada@example.com');
    await form.getByLabel('Business name').fill('Analytical Engines Ltd');
    await form.getByLabel('Postcode').fill('sw1a 1aa');
    await form.getByLabel('I agree that takepayments may contact me').check();
    await form.getByRole('button', { name: 'Request a call back' }).click();
    await form.getByText('An adviser will call you shortly').waitFor();

    const leadId = await waitFor(async () => leadIds[0], 'the lead-success event');
    const received = await waitFor(async () => {
      const all = (await (await fetch(`${demo.sandbox}/_sandbox/received?provider=takepayments`)).json()) as Received[];
      return all.map((r) => JSON.parse(r.body)).find((b) => b.ID === leadId);
    }, 'the lead at the sandbox');
    expect(received).toMatchObject({
      FirstName: 'Ada',
      LastName: 'Lovelace',
      Email: 'ada@example.com',
      Company: 'Analytical Engines Ltd',
      Postcode: 'SW1A 1AA',
    });

    const lead = await waitFor(async () => {
      const response = await fetch(`${demo.relay}/v1/admin/leads/${leadId}`, {
        headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
      });
      const body = (await response.json()) as {
        status: string;
        deliveries: { attemptLog: { httpStatus: number }[] }[];
      };
      return body.status === 'delivered' ? body : undefined;
    }, 'the delivered status');
    expect(lead.deliveries[0]?.attemptLog[0]?.httpStatus).toBe(200);
    await page.close();
  });

  it('lets a partner page on another origin embed the form by script tag and complete a lead', async () => {
    const partner = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><html lang="en"><head><title>Partner</title></head><body>
        <h1>Card machines for your shop</h1>
        <script src="${demo.relay}/widget.js" data-form="demo-takepayments" data-field-first-name="Grace" async></script>
      </body></html>`);
    });
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    const { port } = partner.address() as AddressInfo;
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${port}/`);
      await expect.poll(() => page.getByLabel('First name').inputValue()).toBe('Grace');
      await page.getByLabel('Last name').fill('Hopper');
      await page.getByLabel('Email').fill('grace@example.com');
      await page.getByLabel('I agree that takepayments may contact me').check();
      await page.getByRole('button', { name: 'Request a call back' }).click();
      await page.getByText('An adviser will call you shortly').waitFor();
      const received = await waitFor(async () => {
        const all = (await (
          await fetch(`${demo.sandbox}/_sandbox/received?provider=takepayments`)
        ).json()) as Received[];
        return all.map((r) => JSON.parse(r.body)).find((b) => b.Email === 'grace@example.com');
      }, 'the partner lead at the sandbox');
      expect(received).toMatchObject({ FirstName: 'Grace', LastName: 'Hopper' });
    } finally {
      await page.close();
      partner.close();
    }
  });

  it('runs LeadExec ping → offers → consent → post on a partner page', async () => {
    const partner = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><html lang="en"><head><title>Solar</title></head><body>
        <main><script src="${demo.relay}/widget.js" data-form="demo-leadexec" data-redirect="never" async></script></main>
      </body></html>`);
    });
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    const email = `ada.${Date.now()}@example.com`;
    try {
      await page.goto(`http://127.0.0.1:${(partner.address() as AddressInfo).port}/`);
      await askForSolarQuotes(page, email);

      // The offers and their consent texts are in the page's own DOM, where TrustedForm reads them.
      const consents = page.locator('lead-capture > .lc-offers [data-tf-element-role="consent-language"]');
      await expect.poll(() => consents.count()).toBe(2);
      const shownText = (await consents.nth(1).textContent()) ?? '';
      expect(shownText).toContain('Brightside Home Energy');
      const submit = page.locator('lead-capture > .lc-offers [data-tf-element-role="submit"]');
      expect(await submit.isDisabled()).toBe(true);
      await page.locator('lead-capture > .lc-offers .lc-offer input[type="checkbox"]').nth(1).check();
      await submit.click();
      await page.getByText('The installers you chose will be in touch shortly').waitFor();

      const received = (await (await fetch(`${demo.sandbox}/_sandbox/received?provider=leadexec`)).json()) as {
        method: string;
        path: string;
        body: string;
      }[];
      const posted = received
        .filter((r) => r.path.endsWith('/v2/insert/general'))
        .map((r) => JSON.parse(r.body))
        .find((b) => b.leads[0].fields.Email === email);
      expect(posted.leads[0].properties.orderId).toMatch(/^[0-9a-f-]{36}$/);
      expect(posted.leads[0].properties.offerIds).toHaveLength(1);
      const chosen = posted.leads[0].properties.offerIds[0] as string;
      expect(chosen).toMatch(/-b002$/);
      expect(received.some((r) => r.method === 'PUT' && r.path.endsWith(`/offers/${chosen}/accept`))).toBe(true);

      const leadId = posted.leads[0].properties.reference as string;
      const lead = (await (
        await fetch(`${demo.relay}/v1/admin/leads/${leadId}`, {
          headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
        })
      ).json()) as { consentRecord: { offers: { text: string; textSha256: string; chosen: boolean }[] } };
      const record = lead.consentRecord.offers[1];
      expect(record?.chosen).toBe(true);
      expect(shownText).toContain(record?.text.slice(0, 60));
      const digest = createHash('sha256')
        .update(record?.text ?? '')
        .digest('hex');
      expect(record?.textSha256).toBe(digest);
    } finally {
      await page.close();
      partner.close();
    }
  });

  it('shows leads and their attempts on the admin page, behind the admin token', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${demo.relay}/admin.html`);
      await page.getByLabel('Admin token').fill('wrong-token');
      await page.getByRole('button', { name: 'Show leads' }).click();
      await page.getByText('unauthorized: Unauthorized').waitFor();
      await page.getByLabel('Admin token').fill(SANDBOX_SECRETS.ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Show leads' }).click();
      const firstLead = page.locator('#leads tbody button').first();
      await firstLead.waitFor();
      await firstLead.click();
      await expect.poll(() => page.locator('#detail h3').count()).toBeGreaterThan(0);
      expect(await page.locator('#detail ol li').first().textContent()).toMatch(/delivered HTTP 2\d\d/);
    } finally {
      await page.close();
    }
  });

  it('takes the consumer to the buyer’s page when LeadExec sends the lead on, and shows the agent after a transfer', async () => {
    const partner = createServer((request, response) => {
      const form = request.url?.includes('transfer') ? 'demo-leadexec-transfer' : 'demo-leadexec-sends';
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><html lang="en"><head><title>Quotes</title></head><body>
        <main><script src="${demo.relay}/widget.js" data-form="${form}"></script></main></body></html>`);
    });
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
    const page = await browser.newPage();
    const fill = async (submit: string) => {
      const n = Date.now() % 10_000;
      await page.getByLabel('First name').fill('Dana');
      await page.getByLabel('Last name').fill('Reyes');
      await page.getByLabel('Email').fill(`dana.${Date.now()}@example.com`);
      await page.getByLabel('Phone').fill(`(312) 555-${String(n).padStart(4, '0')}`);
      await page.getByLabel('ZIP code').fill('60601');
      await page.getByRole('checkbox').check();
      await page.getByRole('button', { name: submit }).click();
    };
    try {
      await page.goto(`${origin}/sends`);
      await fill('See my quote');
      await page.waitForURL(`${demo.sandbox}/_sandbox/buyer`);
      await page.getByRole('heading', { name: 'Sunrise Solar Co' }).waitFor();

      await page.goto(`${origin}/transfer`);
      await fill('Connect me');
      await page.getByRole('heading', { name: 'Thank you' }).waitFor();
      const call = page.locator('lead-capture').getByRole('link');
      expect(await call.getAttribute('href')).toMatch(/^tel:\+?\d{10,}$/);
      await page.getByText(/will take your call now/).waitFor();
    } finally {
      await page.close();
      partner.close();
    }
  });

  it('lets an operator change a lead’s answers, act at Getlead and dry-run a form from the admin page', async () => {
    const n = Date.now() % 100_000;
    const submitted = await fetch(`${demo.relay}/v1/forms/demo-getlead/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:5173' },
      body: JSON.stringify({
        fields: {
          firstName: 'Priya',
          lastName: 'Nair',
          email: `priya.${n}@example.com`,
          phone: `07840 ${String(n).padStart(6, '0')}`,
          company: 'Nair Ltd',
          purpose: 'Phone system',
        },
        consent: { contact: true },
      }),
    });
    const { leadId } = (await submitted.json()) as { leadId: string };
    await waitFor(async () => {
      const lead = (await (
        await fetch(`${demo.relay}/v1/admin/leads/${leadId}`, {
          headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
        })
      ).json()) as { status: string };
      return lead.status === 'delivered' ? lead : undefined;
    }, 'the Getlead lead delivered');
    const page = await browser.newPage();
    try {
      await page.goto(`${demo.relay}/admin.html`);
      await page.getByLabel('Admin token').fill(SANDBOX_SECRETS.ADMIN_TOKEN);
      await page.getByRole('button', { name: 'Show leads' }).click();
      await page.getByRole('button', { name: leadId }).click();
      await page.getByRole('heading', { name: /^getlead: delivered/ }).waitFor();

      await page.getByLabel('company').fill('Nair & Daughters Ltd');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('company: Nair Ltd → Nair & Daughters Ltd').waitFor();

      await page.getByLabel('Action').selectOption('status');
      await page.locator('#action-getlead-status').fill('Qualified');
      await page.getByRole('button', { name: 'Run action' }).click();
      await page.getByRole('heading', { name: 'getlead status {"status":"Qualified"}: delivered' }).waitFor();
      const received = (await (await fetch(`${demo.sandbox}/_sandbox/received?provider=getlead`)).json()) as {
        path: string;
        query: Record<string, string>;
      }[];
      expect(received.some((r) => r.path.endsWith('gl-status-change-api') && r.query.status === 'Qualified')).toBe(
        true,
      );

      await page.getByLabel('Form id').fill('demo-cap');
      await page.getByLabel('Answers (JSON)').fill(
        JSON.stringify({
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@example.com',
          phone: '07840 258842',
          postcode: 'l3 9ag',
          vehicle: 'Audi Q6 e-tron',
        }),
      );
      await page.getByRole('button', { name: 'Run the test' }).click();
      await expect.poll(() => page.locator('#test-result').textContent()).toMatch(/^cap: ok, would POST/);
    } finally {
      await page.close();
    }
  });

  it('serves the demo page with a Content-Security-Policy', async () => {
    const response = await fetch(`${demo.relay}/`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
