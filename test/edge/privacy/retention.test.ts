import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import { NOT_SENT } from '../../../edge/privacy/personal-data.ts';
import { purgeExpired } from '../../../edge/privacy/retention.ts';
import { dbOf } from '../../../edge/storage/shards.ts';
import { getleadPerson, leadWhen, postLead, runPurge, validTakePaymentsLead, withForm } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface AttemptView {
  response: string | null;
  reason: string | null;
}
interface DeliveryView {
  status: string;
  lastError: string | null;
  parameters?: unknown;
  attemptLog: AttemptView[];
}
interface LeadView {
  status: string;
  purgedAt: string | null;
  fields: Record<string, unknown>;
  consent: Record<string, boolean>;
  context: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  deliveries: DeliveryView[];
  steps: DeliveryView[];
}

const DAY = 86_400_000;

async function ageLead(leadId: string, days: number): Promise<void> {
  await dbOf(env, leadId)
    .prepare('UPDATE leads SET created_at = ? WHERE id = ?')
    .bind(new Date(Date.now() - days * DAY).toISOString(), leadId)
    .run();
}

async function submitted(formId: string, body: unknown): Promise<string> {
  const response = await postLead(formId, body, { 'user-agent': 'Mozilla/5.0 (retention test)' });
  expect(response.status).toBe(202);
  return ((await response.json()) as { leadId: string }).leadId;
}

describe('retention (hourly Cron Trigger)', () => {
  it('removes the personal data of a lead past its form’s retention and keeps its anonymous row', async () => {
    const leadId = await submitted('demo-getlead', {
      ...getleadPerson(),
      context: { pageUrl: 'https://shop.example/quote?email=priya@example.com', utm_source: 'google' },
    });
    await leadWhen<LeadView>(leadId, (l) => expect(l.steps.map((s) => s.status)).toEqual(['delivered', 'delivered']));
    await ageLead(leadId, 731);
    await runPurge();
    const lead = await leadWhen<LeadView>(leadId, (l) => expect(l.purgedAt).not.toBeNull());
    expect(lead.fields).toEqual({});
    expect(lead.ip).toBeNull();
    expect(lead.userAgent).toBeNull();
    expect(lead.context.utm_source).toBe('google');
    expect(JSON.stringify(lead.context)).not.toContain('priya');
    expect(lead.consent).toEqual({ contact: true });
    expect(lead.status).toBe('delivered');
    expect(lead.deliveries[0]?.status).toBe('delivered');
    const every = [...lead.deliveries, ...lead.steps];
    expect(every.flatMap((d) => d.attemptLog.map((a) => a.response))).toEqual([null, null, null]);
    expect(lead.steps.map((s) => s.parameters)).toEqual([null, null]);
    expect(JSON.stringify(lead)).not.toMatch(/Priya|Nair|07840|\+447840/);
  });

  it('leaves a lead inside its retention alone', async () => {
    const leadId = await submitted('demo-takepayments', validTakePaymentsLead);
    await ageLead(leadId, 729);
    await runPurge();
    const lead = await leadWhen<LeadView>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('delivered'));
    expect(lead.purgedAt).toBeNull();
    expect(lead.fields.firstName).toBe('Ada');
  });

  it('keeps each form to its own retentionDays', async () => {
    const base = demoForms.find((f) => f.id === 'demo-takepayments');
    const id = `short-${crypto.randomUUID().slice(0, 8)}`;
    await withForm({ ...base, id, retentionDays: 1 }, async () => {
      const short = await submitted(id, validTakePaymentsLead);
      const usual = await submitted('demo-takepayments', validTakePaymentsLead);
      await Promise.all([ageLead(short, 2), ageLead(usual, 2)]);
      await runPurge();
      expect((await leadWhen<LeadView>(short, () => undefined)).purgedAt).not.toBeNull();
      expect((await leadWhen<LeadView>(usual, () => undefined)).purgedAt).toBeNull();
    });
  });

  it('purges the leads of a form no longer configured after the default two years', async () => {
    const base = demoForms.find((f) => f.id === 'demo-takepayments');
    const id = `gone-${crypto.randomUUID().slice(0, 8)}`;
    const [old, recent] = await withForm({ ...base, id }, async () => [
      await submitted(id, validTakePaymentsLead),
      await submitted(id, validTakePaymentsLead),
    ]);
    await Promise.all([ageLead(old as string, 731), ageLead(recent as string, 700)]);
    await runPurge();
    expect((await leadWhen<LeadView>(old as string, () => undefined)).purgedAt).not.toBeNull();
    expect((await leadWhen<LeadView>(recent as string, () => undefined)).purgedAt).toBeNull();
  });

  it('never sends a delivery still waiting when the lead’s retention ends', async () => {
    // TakePayments keeps failing, so the delivery is still waiting for a retry when the lead is erased.
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 503 }, times: 10 });
    const email = `waiting.${crypto.randomUUID().slice(0, 8)}@example.com`;
    const sent = () => sandbox.state.receivedBy('takepayments').filter((r) => r.body.includes(email)).length;
    const leadId = await submitted('demo-takepayments', {
      ...validTakePaymentsLead,
      fields: { ...validTakePaymentsLead.fields, email },
    });
    await leadWhen<LeadView>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('retrying'));
    await ageLead(leadId, 731);
    await runPurge();
    const sentBefore = sent();
    // The retries (after 1 s and 3 s in the tests) come and find nothing to send.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    const lead = await leadWhen<LeadView>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('rejected'));
    expect(lead.deliveries[0]?.lastError).toBe(NOT_SENT);
    expect(sent()).toBe(sentBefore);
  });

  it('purges every expired lead in one run, past the 5,000 a run once stopped at', async () => {
    const run = crypto.randomUUID();
    const expired = 5_300;
    await env.DB.prepare(
      `INSERT INTO leads (id, form_id, fields, consent, context, ip, body_hash, created_at, updated_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
       SELECT ?1 || '-' || i, 'demo-takepayments', '{"email":"bulk@example.com"}', '{}', '{}', '203.0.113.9', 'h', ?3, ?3 FROM n`,
    )
      .bind(run, expired, new Date(Date.now() - 800 * DAY).toISOString())
      .run();
    const left = () =>
      env.DB.prepare('SELECT COUNT(*) AS n FROM leads WHERE id LIKE ? AND purged_at IS NULL')
        .bind(`${run}-%`)
        .first<number>('n');

    // A run out of time starts nothing, and leaves the work to the next.
    expect(await purgeExpired(env, Date.now(), Date.now() - 1)).toBe(0);
    expect(await left()).toBe(expired);

    await runPurge();
    expect(await left()).toBe(0);
    const kept = await env.DB.prepare("SELECT COUNT(*) AS n FROM leads WHERE id LIKE ? AND fields LIKE '%bulk@%'")
      .bind(`${run}-%`)
      .first<number>('n');
    expect(kept).toBe(0);
  });
});
