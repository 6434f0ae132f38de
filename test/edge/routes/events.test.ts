import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import { admin, PAGE_ORIGIN, postLead, relay, testClientIp, validTakePaymentsLead, withForm } from '../helpers.ts';

function sendEvents(formId: string, body: unknown, headers: Record<string, string> = {}) {
  return relay(`/v1/forms/${formId}/events`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      origin: PAGE_ORIGIN,
      'cf-connecting-ip': testClientIp(),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A fresh copy of demo-takepayments, so counts start at nothing. */
function freshForm() {
  const base = demoForms.find((f) => f.id === 'demo-takepayments');
  return { ...base, id: `events-${crypto.randomUUID().slice(0, 8)}` };
}

interface Stats {
  funnel: {
    views: number;
    starts: number;
    steps: { step: number; reached: number }[];
    submits: number;
    successes: number;
    errors: { code: string; count: number }[];
    offersShown: number;
  };
  byOrigin: { origin: string; views: number; leads: number }[];
  byUtmSource: { utmSource: string; views: number; leads: number }[];
}

async function statsOf(formId: string): Promise<Stats> {
  const response = await admin(`/stats?form=${formId}&by=hour`);
  expect(response.status).toBe(200);
  return (await response.json()) as Stats;
}

describe('POST /v1/forms/:formId/events', () => {
  it('takes a beacon (text/plain) and counts each event in the funnel, split by origin and utm_source', async () => {
    const form = freshForm();
    await withForm(form, async () => {
      const at = Date.now();
      const response = await sendEvents(form.id, {
        utm_source: 'newsletter',
        events: [
          { type: 'view', at },
          { type: 'start', at },
          { type: 'step', step: 1, at },
          { type: 'error', code: 'network', at },
          { type: 'offers_shown', count: 3, at },
        ],
      });
      expect(response.status).toBe(204);
      expect(await sendEvents(form.id, { events: [{ type: 'view', at }] })).toHaveProperty('status', 204);
      const stats = await statsOf(form.id);
      expect(stats.funnel).toMatchObject({
        views: 2,
        starts: 1,
        steps: [{ step: 1, reached: 1 }],
        errors: [{ code: 'network', count: 1 }],
        offersShown: 3,
      });
      expect(stats.byOrigin).toEqual([expect.objectContaining({ origin: PAGE_ORIGIN, views: 2 })]);
      expect(stats.byUtmSource.find((s) => s.utmSource === 'newsletter')?.views).toBe(1);
    });
  });

  it('refuses an event carrying anything but its type, step, code, count and time', async () => {
    const response = await sendEvents('demo-takepayments', {
      events: [{ type: 'submit', at: Date.now(), email: 'ada@example.com' }],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { issues: { path: string; rule: string }[] } };
    expect(body.error.issues).toEqual([expect.objectContaining({ path: 'events.0.email', rule: 'unknown_field' })]);
  });

  it('refuses an unknown event type, naming the field and the rule', async () => {
    const response = await sendEvents('demo-takepayments', { events: [{ type: 'scroll', at: Date.now() }] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { issues: { path: string; rule: string }[] } };
    expect(body.error.issues[0]).toMatchObject({ path: 'events.0.type', rule: 'option' });
  });

  it('refuses a foreign origin (403) and an unknown form (404)', async () => {
    const foreign = await sendEvents(
      'demo-takepayments',
      { events: [{ type: 'view', at: 1 }] },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    expect((await sendEvents('no-such-form', { events: [{ type: 'view', at: 1 }] })).status).toBe(404);
  });

  it('is rate-limited on a budget of its own, leaving the address its leads', async () => {
    const form = { ...freshForm(), rateLimitPerMinute: 2 };
    await withForm(form, async () => {
      const ip = testClientIp();
      const statuses = [];
      for (let i = 0; i < 21; i++) {
        statuses.push(
          (await sendEvents(form.id, { events: [{ type: 'view', at: 1 }] }, { 'cf-connecting-ip': ip })).status,
        );
      }
      expect(statuses.slice(0, 20).every((s) => s === 204)).toBe(true);
      expect(statuses[20]).toBe(429);
      expect((await postLead(form.id, validTakePaymentsLead, { 'cf-connecting-ip': ip })).status).toBe(202);
    });
  });

  it('keeps no personal data: the rollup holds only counts by form, hour, origin and source', async () => {
    const columns = await env.DB.prepare('PRAGMA table_info(funnel_hourly)').all<{ name: string }>();
    expect(columns.results.map((c) => c.name).sort()).toEqual(
      ['code', 'count', 'form_id', 'hour', 'origin', 'step', 'total', 'type', 'utm_source'].sort(),
    );
  });
});
