import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { sendAlert } from '../../../edge/analytics/alerts.ts';
import worker from '../../../edge/index.ts';
import { leadWhen, postLead, validTakePaymentsLead } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

async function everyMinute(now = Date.now()): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled({ cron: '* * * * *', scheduledTime: now, noRetry() {} } as ScheduledController, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Attempts at a provider in the last minutes, `failed` of them failing. */
async function attemptsAt(provider: string, total: number, failed: number): Promise<void> {
  const leadId = crypto.randomUUID();
  const now = new Date().toISOString();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO leads (id, form_id, status, fields, consent, context, body_hash, created_at, updated_at) VALUES (?, 'demo-takepayments', 'accepted', '{}', '{}', '{}', 'x', ?, ?)",
    ).bind(leadId, now, now),
    env.DB.prepare(
      "INSERT INTO deliveries (id, lead_id, destination, provider, status, created_at, updated_at) VALUES (?, ?, 0, ?, 'retrying', ?, ?)",
    ).bind(`${leadId}.0`, leadId, provider, now, now),
    ...Array.from({ length: total }, (_, i) =>
      env.DB.prepare(
        'INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, http_status, outcome) VALUES (?, ?, ?, 20, ?, ?)',
      ).bind(`${leadId}.0`, i + 1, now, i < failed ? 503 : 200, i < failed ? 'retryable' : 'delivered'),
    ),
  ]);
}

interface AlertBody {
  text: string;
  provider: string;
  kind: string;
}

describe('operator alerts (ALERT_WEBHOOK_URL)', () => {
  beforeEach(async () => {
    await env.DB.prepare('DELETE FROM alerts').run();
    await env.DB.prepare('DELETE FROM attempts').run();
  });

  it('posts a Slack-compatible alert when a provider fails half its attempts over 15 minutes', async () => {
    await attemptsAt('cap', 12, 7);
    await everyMinute();
    const alerts = sandbox.state.alerts as AlertBody[];
    expect(alerts).toEqual([
      expect.objectContaining({
        provider: 'cap',
        kind: 'failure_rate',
        text: 'lead-capture: cap failed 7 of 12 attempts (58%) in the last 15 minutes',
      }),
    ]);
  });

  it('stays quiet under the threshold or under the minimum of attempts', async () => {
    await attemptsAt('cap', 12, 5);
    await attemptsAt('getlead', 4, 4);
    await everyMinute();
    expect(sandbox.state.alerts).toEqual([]);
  });

  it('sends at most one alert per provider per hour, whatever its kind', async () => {
    const t0 = Date.now();
    const alert = (kind: 'failure_rate' | 'dead_letter') => ({ provider: 'cap', kind, text: `cap ${kind}` });
    expect(await sendAlert(env, alert('failure_rate'), t0)).toBe(true);
    expect(await sendAlert(env, alert('dead_letter'), t0 + 30 * 60_000)).toBe(false);
    expect(await sendAlert(env, { ...alert('dead_letter'), provider: 'getlead' }, t0 + 30 * 60_000)).toBe(true);
    expect(await sendAlert(env, alert('dead_letter'), t0 + 61 * 60_000)).toBe(true);
    expect((sandbox.state.alerts as AlertBody[]).map((a) => `${a.provider} ${a.kind}`)).toEqual([
      'cap failure_rate',
      'getlead dead_letter',
      'cap dead_letter',
    ]);
  });

  it('alerts when a delivery reaches the dead-letter queue, naming the lead and nothing it holds', async () => {
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 503 }, times: 10 });
    const response = await postLead('demo-takepayments', validTakePaymentsLead);
    const { leadId } = (await response.json()) as { leadId: string };
    await leadWhen(leadId, (l: { status: string }) => expect(l.status).toBe('failed'), 30_000);
    const alerts = sandbox.state.alerts as AlertBody[];
    await vi.waitFor(
      () => expect(alerts).toEqual([expect.objectContaining({ provider: 'takepayments', kind: 'dead_letter' })]),
      { timeout: 10_000 },
    );
    expect(alerts[0]?.text).toContain(leadId);
    expect(alerts[0]?.text).not.toMatch(/Ada|Lovelace|ada@example\.com/);
  });

  it('sends nothing while no webhook is configured', async () => {
    const sent = await sendAlert(
      { ...env, ALERT_WEBHOOK_URL: '' },
      { provider: 'cap', kind: 'dead_letter', text: 'x' },
    );
    expect(sent).toBe(false);
    expect(sandbox.state.alerts).toEqual([]);
  });
});
