/**
 * The sweep at volume: it pages past its 500-row page until nothing stranded is left, reads through
 * its index rather than the table, and picks up what a queue over its rate limit left pending.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryMessage } from '../../../edge/delivery/queue.ts';
import { strandedAfterMs } from '../../../edge/delivery/sweep.ts';
import worker from '../../../edge/index.ts';
import { dbOf } from '../../../edge/storage/shards.ts';
import { leadWhen, PAGE_ORIGIN, runMaintenance, testClientIp, validTakePaymentsLead } from '../helpers.ts';
import { type Recorded, recordingD1 } from '../store-faults.ts';

const SENT: QueueSendBatchResponse = { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
const longAgo = () => new Date(Date.now() - strandedAfterMs(env) - 60_000).toISOString();

/**
 * `count` leads of a made-up form, each with one lead delivery in `status`, last touched long ago:
 * what a relay that died under load, or a queue that refused a burst, leaves behind.
 */
async function strandedRows(run: string, count: number, status: string): Promise<void> {
  const at = longAgo();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO leads (id, form_id, fields, consent, context, body_hash, created_at, updated_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
       SELECT ?1 || '-' || i, 'sweep-test', '{}', '{}', '{}', 'h', ?3, ?3 FROM n`,
    ).bind(run, count, at),
    env.DB.prepare(
      `INSERT INTO deliveries (id, lead_id, destination, provider, status, created_at, updated_at)
       SELECT id || '-d', id, 0, 'takepayments', ?2, created_at, updated_at FROM leads WHERE id LIKE ?1 || '-%'`,
    ).bind(run, status),
  ]);
}

afterEach(async () => {
  vi.restoreAllMocks();
  await env.DB.batch([
    env.DB.prepare("DELETE FROM deliveries WHERE lead_id IN (SELECT id FROM leads WHERE form_id = 'sweep-test')"),
    env.DB.prepare("DELETE FROM leads WHERE form_id = 'sweep-test'"),
  ]);
});

describe('the sweep (every-minute maintenance)', () => {
  it('queues more than one page of stranded deliveries in one run, each once, and no delivered one', async () => {
    const run = crypto.randomUUID();
    await strandedRows(run, 1_234, 'pending');
    await strandedRows(`${run}-done`, 50, 'delivered');
    const sendBatch = vi.spyOn(env.DELIVERIES, 'sendBatch').mockResolvedValue(SENT);

    await runMaintenance();

    const queued = sendBatch.mock.calls.flatMap(([messages]) =>
      [...messages].map((m) => (m.body as DeliveryMessage).deliveryId),
    );
    const ours = queued.filter((id) => id.startsWith(run));
    expect(ours).toHaveLength(1_234);
    expect(new Set(ours).size).toBe(1_234);
    expect(ours.filter((id) => id.startsWith(`${run}-done`))).toEqual([]);
  });

  it('reads the stranded deliveries through their index, never the whole table', async () => {
    const recorded: Recorded[] = [];
    await strandedRows(crypto.randomUUID(), 3, 'pending');
    vi.spyOn(env.DELIVERIES, 'sendBatch').mockResolvedValue(SENT);
    await runMaintenance({ DB: recordingD1(env.DB, recorded) });
    const sweep = recorded.find((r) => r.sql.includes('UPDATE deliveries SET updated_at'));
    if (!sweep) throw new Error('the sweep ran no query');
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sweep.sql}`)
      .bind(...sweep.binds)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail);
    expect(details).toContainEqual(expect.stringMatching(/^SEARCH d USING INDEX deliveries_due/));
    expect(details.filter((d) => /^SCAN (d|deliveries)\b/.test(d))).toEqual([]);
  });

  it('leaves a lead pending when the queue is over its rate limit, and a later sweep delivers it', async () => {
    const overLimit = {
      send: () => Promise.reject(new Error('Queue send failed: Too Many Requests')),
      sendBatch: () => Promise.reject(new Error('Queue sendBatch failed: Too Many Requests')),
    } as unknown as Queue<DeliveryMessage>;
    const ctx = createExecutionContext();
    const request = new Request('http://relay.test/v1/forms/demo-takepayments/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, 'cf-connecting-ip': testClientIp() },
      body: JSON.stringify(validTakePaymentsLead),
    });
    const response = await worker.fetch(request, { ...env, DELIVERIES: overLimit }, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(202);
    const { leadId } = (await response.json()) as { leadId: string };
    const row = await dbOf(env, leadId)
      .prepare('SELECT status, last_error FROM deliveries WHERE lead_id = ?')
      .bind(leadId)
      .first<{ status: string; last_error: string | null }>();
    expect(row).toEqual({ status: 'pending', last_error: null });

    // STRANDED_AFTER_SECONDS later, the next sweep queues it.
    await dbOf(env, leadId)
      .prepare('UPDATE deliveries SET updated_at = ? WHERE lead_id = ?')
      .bind(longAgo(), leadId)
      .run();
    await runMaintenance();
    await leadWhen<{ status: string }>(leadId, (l) => expect(l.status).toBe('delivered'));
  });
});
