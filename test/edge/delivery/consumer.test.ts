import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { deliverMessage } from '../../../edge/delivery/consumer.ts';
import type { DeliveryMessage } from '../../../edge/delivery/queue.ts';
import { insertLead } from '../../../edge/delivery/store.ts';
import worker from '../../../edge/index.ts';
import { dbOf } from '../../../edge/storage/shards.ts';
import { admin, validTakePaymentsLead } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface AdminLead {
  status: string;
  deliveries: {
    status: string;
    attempts: number;
    reference: string | null;
    lastError: string | null;
    attemptLog: { attempt: number; httpStatus: number | null; outcome: string; reason: string | null }[];
  }[];
}

/**
 * Stores a lead as intake does but without queueing it, so only the messages a test hands to the
 * consumer are delivered (the real queue would race the test for the sandbox's planned faults).
 */
async function storeLead(): Promise<DeliveryMessage> {
  const leadId = crypto.randomUUID();
  await insertLead(env.DB, {
    lead: {
      id: leadId,
      formId: 'demo-takepayments',
      fields: { ...validTakePaymentsLead.fields, postcode: 'SW1A 1AA' },
      consent: validTakePaymentsLead.consent,
      context: validTakePaymentsLead.context,
      ip: '203.0.113.7',
      userAgent: 'test',
      createdAt: new Date().toISOString(),
    },
    idempotencyKey: null,
    bodyHash: 'test',
    providers: ['takepayments'],
  });
  return { deliveryId: `${leadId}.0`, leadId, formId: 'demo-takepayments', destination: 0 };
}

async function consume(message: DeliveryMessage, attempts = 1) {
  const batch = createMessageBatch<DeliveryMessage>('lead-deliveries', [
    { id: `msg-${message.deliveryId}-${attempts}`, timestamp: Date.now(), attempts, body: message },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** Hands the message to the dead-letter consumer and answers the delivery's status afterwards. */
async function deadLetter(message: DeliveryMessage): Promise<string | undefined> {
  const batch = createMessageBatch<DeliveryMessage>('lead-deliveries-dlq', [
    { id: `dead-${message.deliveryId}`, timestamp: Date.now(), attempts: 1, body: message },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  await getQueueResult(batch, ctx);
  const row = await dbOf(env, message.leadId)
    .prepare('SELECT status FROM deliveries WHERE id = ?')
    .bind(message.deliveryId)
    .first<{ status: string }>();
  return row?.status;
}

async function leadView(leadId: string): Promise<AdminLead> {
  return (await (await admin(`/leads/${leadId}`)).json()) as AdminLead;
}

describe('the delivery consumer', () => {
  it('delivers to TakePayments in the documented shape and records the attempt', async () => {
    const message = await storeLead();
    const result = await consume(message);
    expect(result.explicitAcks).toEqual([`msg-${message.deliveryId}-1`]);
    const [received] = sandbox.state.receivedBy('takepayments');
    expect(received?.path).toBe('/takepayments/umbraco/api/PartnerLeadsApi/Insert');
    expect(JSON.parse(received?.body ?? '{}')).toEqual({
      ID: message.leadId,
      ApiKey: 'sandbox-takepayments-key',
      FirstName: 'Ada',
      LastName: 'Lovelace',
      Email: 'ada@example.com',
      Company: 'Analytical Engines Ltd',
      Postcode: 'SW1A 1AA',
      Industry: 'Retail',
      Notes: 'Two card machines, please.',
      ExternalLeadType: 'Web Lead',
      HotTransfer: false,
    });
    const lead = await leadView(message.leadId);
    expect(lead.status).toBe('delivered');
    expect(lead.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 1, reference: message.leadId });
    expect(lead.deliveries[0]?.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, httpStatus: 200, outcome: 'delivered' }),
    ]);
  });

  it('never delivers a destination twice when the queue redelivers its message', async () => {
    const message = await storeLead();
    await consume(message, 1);
    const again = await consume(message, 2);
    expect(again.explicitAcks).toHaveLength(1);
    expect(sandbox.state.receivedBy('takepayments')).toHaveLength(1);
  });

  it('sends once when two messages for one delivery arrive at the same time', async () => {
    const message = await storeLead();
    sandbox.state.addFault('takepayments', { fault: { kind: 'slow', ms: 50 }, times: 2 });
    await Promise.all([consume(message, 1), consume(message, 2)]);
    expect(sandbox.state.receivedBy('takepayments')).toHaveLength(1);
    const lead = await leadView(message.leadId);
    expect(lead.deliveries[0]?.attemptLog).toHaveLength(1);
  });

  it('retries a 500 with a backoff delay and keeps the lead accepted', async () => {
    const message = await storeLead();
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 500 }, times: 1 });
    const result = await consume(message);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual([`msg-${message.deliveryId}-1`]);
    expect(result.explicitAcks).toEqual([]);
    const lead = await leadView(message.leadId);
    expect(lead.status).toBe('accepted');
    expect(lead.deliveries[0]).toMatchObject({ status: 'retrying', lastError: 'HTTP 500' });
  });

  it('backs off exponentially between attempts', async () => {
    const message = await storeLead();
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 500 }, times: 2 });
    const first = await deliverMessage(env, message);
    const second = await deliverMessage(env, message);
    // Base 1 s in tests: about 1 s, then about 3 s, each within the ±20% jitter.
    expect(first.kind === 'retry' && first.delaySeconds).toBeLessThanOrEqual(2);
    expect(second.kind === 'retry' && second.delaySeconds).toBeGreaterThanOrEqual(2);
  });

  it('honours Retry-After on a 429', async () => {
    const message = await storeLead();
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 429, retryAfter: 120 }, times: 1 });
    const action = await deliverMessage(env, message);
    expect(action).toEqual({ kind: 'retry', delaySeconds: expect.any(Number) });
    expect(action.kind === 'retry' && action.delaySeconds).toBeGreaterThanOrEqual(120);
  });

  it('treats a hung provider as a timeout and retries', async () => {
    const message = await storeLead();
    sandbox.state.addFault('takepayments', { fault: { kind: 'hang' }, times: 1 });
    const result = await consume(message);
    expect(result.retryMessages).toHaveLength(1);
    const lead = await leadView(message.leadId);
    expect(lead.deliveries[0]?.lastError).toMatch(/timed out/);
  });

  it('records a 400 as rejected with the provider’s note, and does not retry', async () => {
    const message = await storeLead();
    sandbox.state.addFault('takepayments', {
      fault: { kind: 'status', status: 400, body: JSON.stringify({ note: 'Postcode is not recognised.' }) },
      times: 1,
    });
    const result = await consume(message);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    const lead = await leadView(message.leadId);
    expect(lead.status).toBe('rejected');
    expect(lead.deliveries[0]).toMatchObject({ status: 'rejected', lastError: 'Postcode is not recognised.' });
  });

  it('dead-letters after the last attempt and shows the delivery failed', async () => {
    const message = await storeLead();
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 503 }, times: 3 });
    await consume(message, 1);
    await consume(message, 2);
    const last = await consume(message, 3);
    expect(last.explicitAcks).toHaveLength(1);
    const lead = await leadView(message.leadId);
    expect(lead.status).toBe('failed');
    expect(lead.deliveries[0]?.attemptLog.map((a) => a.httpStatus)).toEqual([503, 503, 503]);
  });

  it('acknowledges messages one by one, so a failure does not redeliver the others', async () => {
    const good = await storeLead();
    const bad = await storeLead();
    const batch = createMessageBatch<DeliveryMessage>('lead-deliveries', [
      { id: 'good', timestamp: Date.now(), attempts: 1, body: good },
      { id: 'bad', timestamp: Date.now(), attempts: 1, body: bad },
    ]);
    // The first request succeeds; the fault then applies to the second.
    sandbox.state.addFault('takepayments', { fault: { kind: 'slow', ms: 0 }, times: 1 });
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 502 }, times: 1 });
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(['good']);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['bad']);
    expect(result.retryBatch.retry).toBe(false);
  });

  it('leaves a replayed delivery alone when its old message reaches the dead-letter queue late', async () => {
    const message = await storeLead();
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 503 }, times: 3 });
    for (const attempts of [1, 2, 3]) await consume(message, attempts);
    expect((await admin(`/leads/${message.leadId}/replay`, { method: 'POST' })).status).toBe(202);
    expect(await deadLetter(message)).not.toBe('failed');
  });

  it('fails a delivery whose message reaches the dead-letter queue', async () => {
    const message = await storeLead();
    expect(await deadLetter(message)).toBe('failed');
  });
});
