/**
 * "No lead lost": each provider fault the sandbox can act out, driven through the queue consumer one
 * message at a time. Every case ends in the right state with every attempt recorded, and no
 * destination is delivered twice, however often its message comes back.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliverMessage } from '../../../edge/delivery/consumer.ts';
import type { DeliveryMessage } from '../../../edge/delivery/queue.ts';
import { insertLead } from '../../../edge/delivery/store.ts';
import worker from '../../../edge/index.ts';
import { admin } from '../helpers.ts';
import { intercept, sandbox } from '../sandbox.ts';

/** demo-all's destinations, in its order: a message's `destination` is the index here. */
const DEMO_ALL = ['takepayments', 'dialler', 'cap', 'getlead'] as const;
type Provider = (typeof DEMO_ALL)[number];

/** The request that creates the lead at each provider (Getlead's follow-ups go elsewhere). */
const CREATE_PATHS: Record<Provider, string> = {
  takepayments: '/takepayments/umbraco/api/PartnerLeadsApi/Insert',
  dialler: '/dialler/lead/add',
  cap: '/cap/lead-submission/v1/external',
  getlead: '/getlead/api/gl-website-contacts',
};

/** What a queue send answers: the dead-letter queue is stubbed with it where a test needs to see the send. */
const SENT: QueueSendResponse = { metadata: { metrics: { backlogCount: 1, backlogBytes: 0 } } };

interface Attempt {
  attempt: number;
  httpStatus: number | null;
  outcome: string;
  reason: string | null;
}

interface AdminLead {
  status: string;
  deliveries: { provider: string; status: string; attempts: number; lastError: string | null; attemptLog: Attempt[] }[];
}

/** A new UK mobile per lead: the dialler simulator refuses a number it already has a call for. */
function uniqueMobile(): string {
  return `+447${String(crypto.getRandomValues(new Uint32Array(1))[0])
    .padStart(9, '0')
    .slice(0, 9)}`;
}

/**
 * Stores a demo-all lead with deliveries to the given providers, as intake does but without queueing
 * it, so only the messages a test hands to the consumer are delivered (the real queue would race the
 * test for the sandbox's planned faults). Returns one message per provider, in the order given.
 */
async function storeLead(...providers: Provider[]): Promise<DeliveryMessage[]> {
  const leadId = crypto.randomUUID();
  const destinations = providers.map((p) => DEMO_ALL.indexOf(p));
  await insertLead(env.DB, {
    lead: {
      id: leadId,
      formId: 'demo-all',
      fields: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        phone: uniqueMobile(),
        postcode: 'SW1A 1AA',
        vehicle: 'Audi Q4 e-tron',
        message: 'A test drive on Saturday, please.',
      },
      consent: { contact: true, offersByEmail: true },
      context: { pageUrl: 'http://localhost:5173/dealer' },
      ip: '203.0.113.7',
      userAgent: 'test',
      createdAt: new Date().toISOString(),
    },
    idempotencyKey: null,
    bodyHash: 'test',
    providers,
    destinations,
  });
  return destinations.map((destination) => ({
    deliveryId: `${leadId}.${destination}`,
    leadId,
    formId: 'demo-all',
    destination,
  }));
}

function one<T>(items: readonly T[]): T {
  const [item] = items;
  if (item === undefined || items.length !== 1) throw new Error(`expected exactly one, got ${items.length}`);
  return item;
}

/** Hands the messages to the consumer as one batch, each on its `attempts`-th delivery. */
async function consume(messages: readonly DeliveryMessage[], attempts = 1, queueEnv: Env = env) {
  const batch = createMessageBatch<DeliveryMessage>(
    'lead-deliveries',
    messages.map((body) => ({ id: `${body.deliveryId}#${attempts}`, timestamp: Date.now(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, queueEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  const id = (m: DeliveryMessage) => `${m.deliveryId}#${attempts}`;
  const retried = new Set(result.retryMessages.map((r) => r.msgId));
  return {
    acked: messages.filter((m) => result.explicitAcks.includes(id(m))),
    retried: messages.filter((m) => retried.has(id(m))),
  };
}

async function leadView(leadId: string): Promise<AdminLead> {
  const response = await admin(`/leads/${leadId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as AdminLead;
}

async function deliveryOf(message: DeliveryMessage) {
  const lead = await leadView(message.leadId);
  const delivery = lead.deliveries.find((d) => d.provider === DEMO_ALL[message.destination]);
  if (!delivery) throw new Error(`no delivery ${message.deliveryId}`);
  return delivery;
}

/** How many times the provider was asked to create a lead since the test began (one lead per test). */
function creates(provider: Provider): number {
  return sandbox.state.receivedBy(provider).filter((r) => r.path === CREATE_PATHS[provider]).length;
}

/** The lead ids TakePayments was sent (its `ID` is ours), once per request. */
function takePaymentsIds(): string[] {
  return sandbox.state.receivedBy('takepayments').map((r) => (JSON.parse(r.body) as { ID: string }).ID);
}

describe('delivery through provider faults', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('delivers after two 500s and records all three attempts', async () => {
    const [message] = await storeLead('takepayments');
    if (!message) throw new Error('no message');
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 500 }, times: 2 });

    expect((await consume([message], 1)).retried).toEqual([message]);
    expect((await consume([message], 2)).retried).toEqual([message]);
    expect((await consume([message], 3)).acked).toEqual([message]);
    // The queue may deliver a message again after its ack: the destination is not sent twice.
    expect((await consume([message], 4)).acked).toEqual([message]);

    const delivery = await deliveryOf(message);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastError: null });
    expect(delivery.attemptLog.map((a) => [a.httpStatus, a.outcome])).toEqual([
      [500, 'retryable'],
      [500, 'retryable'],
      [200, 'delivered'],
    ]);
    expect((await leadView(message.leadId)).status).toBe('delivered');
    expect(creates('takepayments')).toBe(3);
  });

  it('waits at least as long as a 429 asks in Retry-After before trying again', async () => {
    const [message] = await storeLead('takepayments');
    if (!message) throw new Error('no message');
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 429, retryAfter: 120 }, times: 1 });

    const action = await deliverMessage(env, message);
    // The backoff alone would be about 1 s here (base 1 s in tests): the provider's 120 s wins.
    expect(action).toEqual({ kind: 'retry', delaySeconds: expect.any(Number) });
    expect(action.kind === 'retry' && action.delaySeconds).toBeGreaterThanOrEqual(120);
    expect(await deliveryOf(message)).toMatchObject({ status: 'retrying', lastError: 'HTTP 429' });

    expect((await consume([message], 2)).acked).toEqual([message]);
    const delivery = await deliveryOf(message);
    expect(delivery.status).toBe('delivered');
    expect(delivery.attemptLog.map((a) => a.httpStatus)).toEqual([429, 200]);
  });

  it('gives up on a hung provider at the timeout, records that it timed out, and tries again', async () => {
    const [message] = await storeLead('takepayments');
    if (!message) throw new Error('no message');
    sandbox.state.addFault('takepayments', { fault: { kind: 'hang' }, times: 1 });

    expect((await consume([message], 1)).retried).toEqual([message]);
    const hung = await deliveryOf(message);
    expect(hung).toMatchObject({ status: 'retrying', lastError: 'timed out after 500 ms' });
    expect(hung.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, httpStatus: null, outcome: 'retryable', reason: 'timed out after 500 ms' }),
    ]);

    expect((await consume([message], 2)).acked).toEqual([message]);
    expect((await deliveryOf(message)).status).toBe('delivered');
    expect(creates('takepayments')).toBe(2);
  });

  it('treats a refused connection as a network error and delivers once the provider is back', async () => {
    const [message] = await storeLead('takepayments');
    if (!message) throw new Error('no message');
    // A base URL at a closed local port. workerd's fetch rejects a refused connection with this
    // Error (checked against a real closed port); here the interceptor does it, so no test depends
    // on what listens on the machine.
    const closedPort = 'http://127.0.0.1:9';
    intercept((request) =>
      request.url.startsWith(`${closedPort}/`) ? Promise.reject(new Error('Network connection lost.')) : undefined,
    );

    const refused = await consume([message], 1, { ...env, TAKEPAYMENTS_BASE_URL: closedPort });
    expect(refused.retried).toEqual([message]);
    const delivery = await deliveryOf(message);
    expect(delivery).toMatchObject({ status: 'retrying', lastError: 'network error: Network connection lost.' });
    expect(delivery.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, httpStatus: null, outcome: 'retryable' }),
    ]);
    expect(creates('takepayments')).toBe(0);

    expect((await consume([message], 2)).acked).toEqual([message]);
    expect((await deliveryOf(message)).attemptLog.map((a) => a.outcome)).toEqual(['retryable', 'delivered']);
    expect(creates('takepayments')).toBe(1);
  });

  it('reads a malformed 200 as each adapter defines it: TakePayments delivered, the others retried', async () => {
    const messages = await storeLead(...DEMO_ALL);
    for (const provider of DEMO_ALL) sandbox.state.addFault(provider, { fault: { kind: 'malformed' }, times: 1 });

    const first = await consume(messages, 1);
    // TakePayments documents no body for its 200, so the body is never read; the others cannot
    // tell whether the lead was taken from an unreadable answer, and losing it is worse.
    expect(first.acked.map((m) => DEMO_ALL[m.destination])).toEqual(['takepayments']);
    expect(first.retried.map((m) => DEMO_ALL[m.destination])).toEqual(['dialler', 'cap', 'getlead']);
    for (const message of first.retried) {
      expect(await deliveryOf(message)).toMatchObject({ status: 'retrying', lastError: 'Unrecognised answer' });
    }

    const second = await consume(messages, 2);
    expect(second.acked).toEqual(messages);
    const lead = await leadView(messages[0]?.leadId ?? '');
    expect(lead.status).toBe('delivered');
    expect(lead.deliveries.map((d) => [d.provider, d.attemptLog.map((a) => a.outcome)])).toEqual([
      ['takepayments', ['delivered']],
      ['dialler', ['retryable', 'delivered']],
      ['cap', ['retryable', 'delivered']],
      ['getlead', ['retryable', 'delivered']],
    ]);
    expect(DEMO_ALL.map(creates)).toEqual([1, 2, 2, 2]);
  });

  it.each([
    {
      provider: 'getlead' as const,
      body: { status: 'fail', message: 'The mobileno must be between 8 and 14 digits.' },
      reason: 'The mobileno must be between 8 and 14 digits.',
    },
    {
      provider: 'dialler' as const,
      body: { saved: true, processed: false, error: 'Existing Contact' },
      reason: 'Existing Contact',
    },
  ])(
    'rejects a $provider 200 that means no with its exact message, and never retries it',
    async ({ provider, body, reason }) => {
      const [message] = await storeLead(provider);
      if (!message) throw new Error('no message');
      sandbox.state.addFault(provider, {
        fault: { kind: 'status', status: 200, body: JSON.stringify(body) },
        times: 1,
      });

      const result = await consume([message], 1);
      expect(result).toEqual({ acked: [message], retried: [] });
      expect((await consume([message], 2)).acked).toEqual([message]);

      const lead = await leadView(message.leadId);
      expect(lead.status).toBe('rejected');
      expect(one(lead.deliveries)).toMatchObject({ status: 'rejected', attempts: 1, lastError: reason });
      expect(one(lead.deliveries).attemptLog).toEqual([
        expect.objectContaining({ httpStatus: 200, outcome: 'rejected', reason }),
      ]);
      expect(creates(provider)).toBe(1);
    },
  );

  it('reads every delivery and lead of a batch in one D1 round trip, and claims them in another', async () => {
    const messages = [
      ...(await storeLead('takepayments', 'cap')),
      ...(await storeLead('takepayments', 'dialler', 'cap')),
    ];
    const batch = vi.spyOn(env.DB, 'batch');
    const prepared = vi.spyOn(env.DB, 'prepare');
    await consume(messages, 1);
    const sizes = batch.mock.calls.map(([statements]) => statements.length);
    // Five messages: one read of ten statements, one claim of five; each record is three or four.
    expect(sizes.filter((n) => n === 2 * messages.length)).toHaveLength(1);
    expect(sizes.filter((n) => n === messages.length)).toHaveLength(1);
    expect(prepared.mock.calls.filter(([query]) => query === 'SELECT * FROM leads WHERE id = ?')).toHaveLength(
      messages.length,
    );
    for (const message of messages) expect(await deliveryOf(message)).toMatchObject({ status: 'delivered' });
  });

  it('puts back a message D1 could not read, counting no attempt, and delivers no destination twice', async () => {
    const messages = [
      ...(await storeLead('takepayments')),
      ...(await storeLead('takepayments')),
      ...(await storeLead('takepayments')),
    ];
    const [before, broken, after] = messages;
    if (!before || !broken || !after) throw new Error('no messages');
    // D1 fails whenever the consumer reads the middle message's delivery, for the first batch: an
    // outage that hits one message of a batch. The batch's read fails with it, each message reads its
    // own instead, and the consumer throws for the middle one and goes on with the rest.
    const prepare = env.DB.prepare.bind(env.DB);
    let outage = true;
    vi.spyOn(env.DB, 'prepare').mockImplementation((query) => {
      const statement = prepare(query);
      const bind = statement.bind.bind(statement);
      statement.bind = (...values: unknown[]) => {
        if (outage && values.includes(broken.deliveryId)) throw new Error('D1_ERROR: simulated outage');
        return bind(...values);
      };
      return statement;
    });

    // Kept off the real queue, so the test sees the message put back and hands it on itself.
    const putBack = vi.spyOn(env.DELIVERIES, 'send').mockResolvedValue(SENT);

    const first = await consume(messages, 1);
    // Not retried, which would spend one of the queue's retries on D1's outage: sent again as new.
    expect(first).toEqual({ acked: [before, broken, after], retried: [] });
    expect(putBack).toHaveBeenCalledExactlyOnceWith({ ...broken, deferrals: 1 }, { delaySeconds: expect.any(Number) });
    outage = false;
    expect(await deliveryOf(broken)).toMatchObject({ status: 'pending', attempts: 0 });

    // The whole batch comes again, as after a consumer that died before its acks were kept.
    const second = await consume(messages, 2);
    expect(second).toEqual({ acked: messages, retried: [] });
    for (const message of messages) {
      expect(await deliveryOf(message)).toMatchObject({ status: 'delivered', attempts: 1 });
    }
    expect(takePaymentsIds().sort()).toEqual(messages.map((m) => m.leadId).sort());
  });

  it('replays only the failed destination of a partially delivered lead', async () => {
    const messages = await storeLead(...DEMO_ALL);
    const leadId = messages[0]?.leadId ?? '';
    const cap = messages.find((m) => DEMO_ALL[m.destination] === 'cap');
    if (!cap) throw new Error('no cap message');
    sandbox.state.addFault('cap', { fault: { kind: 'status', status: 503 }, times: 3 });

    await consume(messages, 1);
    await consume([cap], 2);
    const last = await consume([cap], 3);
    expect(last.acked).toEqual([cap]);
    const partial = await leadView(leadId);
    expect(partial.status).toBe('partially_delivered');
    expect(partial.deliveries.map((d) => [d.provider, d.status])).toEqual([
      ['takepayments', 'delivered'],
      ['dialler', 'delivered'],
      ['cap', 'failed'],
      ['getlead', 'delivered'],
    ]);

    const replay = await admin(`/leads/${leadId}/replay`, { method: 'POST' });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ replayed: ['cap'], status: 'accepted' });
    // The replayed message goes through the real queue and consumer.
    await vi.waitFor(async () => expect((await leadView(leadId)).status).toBe('delivered'), {
      timeout: 10_000,
      interval: 100,
    });

    const delivered = await leadView(leadId);
    expect((await deliveryOf(cap)).attemptLog.map((a) => a.httpStatus)).toEqual([503, 503, 503, 202]);
    expect(delivered.deliveries.map((d) => d.attempts)).toEqual([1, 1, 4, 1]);
    expect(DEMO_ALL.map(creates)).toEqual([1, 1, 4, 1]);
    // With nothing left failed, a second replay sends nothing.
    expect(await (await admin(`/leads/${leadId}/replay`, { method: 'POST' })).json()).toMatchObject({ replayed: [] });
  });

  it('fails a delivery after its last attempt and sends its message to the dead-letter queue', async () => {
    const [message] = await storeLead('takepayments');
    if (!message) throw new Error('no message');
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 503 }, times: 3 });
    // Kept out of the real dead-letter queue, so the test hands the message to its consumer itself.
    const deadLetters = vi.spyOn(env.DEAD_LETTERS, 'send').mockResolvedValue(SENT);

    expect((await consume([message], 1)).retried).toEqual([message]);
    expect((await consume([message], 2)).retried).toEqual([message]);
    expect(deadLetters).not.toHaveBeenCalled();
    expect((await consume([message], 3)).acked).toEqual([message]);
    expect(deadLetters).toHaveBeenCalledExactlyOnceWith(message);
    expect(await deliveryOf(message)).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP 503' });

    const batch = createMessageBatch<DeliveryMessage>('lead-deliveries-dlq', [
      { id: 'dead', timestamp: Date.now(), attempts: 1, body: message },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['dead']);

    const lead = await leadView(message.leadId);
    expect(lead.status).toBe('failed');
    expect(one(lead.deliveries)).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP 503' });
    expect(one(lead.deliveries).attemptLog.map((a) => a.httpStatus)).toEqual([503, 503, 503]);
    expect(creates('takepayments')).toBe(3);
  });

  it('keeps a message whose dead-lettering failed, and dead-letters it again without another attempt', async () => {
    const [message] = await storeLead('takepayments');
    if (!message) throw new Error('no message');
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 503 }, times: 3 });
    const deadLetters = vi
      .spyOn(env.DEAD_LETTERS, 'send')
      .mockRejectedValueOnce(new Error('Queue send failed: simulated outage'))
      .mockResolvedValue(SENT);

    await consume([message], 1);
    await consume([message], 2);
    // The last attempt is recorded, but its message cannot reach the dead-letter queue: it stays.
    expect((await consume([message], 3)).retried).toEqual([message]);
    expect(await deliveryOf(message)).toMatchObject({ status: 'failed', attempts: 3 });

    // When it comes back, the attempts are spent: it goes to the dead-letter queue, not the provider.
    expect((await consume([message], 4)).acked).toEqual([message]);
    expect(deadLetters).toHaveBeenCalledTimes(2);
    expect(deadLetters).toHaveBeenLastCalledWith(message);
    expect(creates('takepayments')).toBe(3);
    expect((await deliveryOf(message)).attemptLog.map((a) => a.httpStatus)).toEqual([503, 503, 503]);
  });
});
