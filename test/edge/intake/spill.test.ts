/**
 * "No lead refused": a lead D1 refuses (locked, overloaded, full) goes to the spill (R2) and is
 * answered as usual; the maintenance run imports it into D1 exactly once and it is delivered like
 * any other. Intake is driven as a partner page drives it, with the worker's D1 (and, where said, its
 * bucket) failing the way the platform documents.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { insertLead } from '../../../edge/delivery/store.ts';
import worker from '../../../edge/index.ts';
import { readSpilled, SPILL_PREFIX, type SpilledLead, spillName } from '../../../edge/intake/spill.ts';
import { dbOf, newLeadId, shardOf } from '../../../edge/storage/shards.ts';
import { leadAcceptedSchema } from '../../../shared/lead.ts';
import { pingResponseSchema, postResponseSchema } from '../../../shared/ping-post.ts';
import { adminLead, leadWhen, PAGE_ORIGIN, runMaintenance, testClientIp, validTakePaymentsLead } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';
import { everyShard, FULL, failingD1, LOCKED, refusingPuts } from '../store-faults.ts';

interface SpilledView {
  status: string;
  createdAt: string;
  spill: { spilledAt: string; reason: string; importedAt: string } | null;
  deliveries: { provider: string; status: string }[];
}

/** The worker as a partner page reaches it, with its bindings replaced as `faults` says. */
async function call(request: Request, faults: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...faults }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function leadRequest(body: unknown, key?: string, formId = 'demo-takepayments'): Request {
  return new Request(`http://relay.test/v1/forms/${formId}/leads`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: PAGE_ORIGIN,
      'cf-connecting-ip': testClientIp(),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function spilledNames(): Promise<string[]> {
  return (await env.SPILL.list({ prefix: SPILL_PREFIX })).objects.map((o) => o.key);
}

const leadRows = (leadId: string) =>
  dbOf(env, leadId).prepare('SELECT COUNT(*) AS n FROM leads WHERE id = ?').bind(leadId).first<number>('n');

/** Each lead TakePayments was sent, by its `ID` (our lead id), with how many times. */
function takePaymentsTakes(): Map<string, number> {
  const takes = new Map<string, number>();
  for (const r of sandbox.state.receivedBy('takepayments')) {
    if (!r.path.endsWith('/PartnerLeadsApi/Insert')) continue;
    const id = (JSON.parse(r.body) as { ID: string }).ID;
    takes.set(id, (takes.get(id) ?? 0) + 1);
  }
  return takes;
}

let people = 0;
/** A lead of a new person, so no provider refuses it as a duplicate. */
function newLead() {
  people += 1;
  return {
    ...validTakePaymentsLead,
    fields: { ...validTakePaymentsLead.fields, email: `spill-${people}-${Date.now()}@example.com` },
  };
}

beforeEach(async () => {
  const names = await spilledNames();
  if (names.length > 0) await env.SPILL.delete(names);
});

describe('a lead D1 refuses', () => {
  it('goes to the spill while D1 is locked, and is answered the ordinary 202', async () => {
    const response = await call(
      leadRequest(newLead(), crypto.randomUUID()),
      everyShard((db) => failingD1(db, LOCKED)),
    );
    expect(response.status).toBe(202);
    const body = leadAcceptedSchema.parse(await response.json());
    expect(body.deliveries).toEqual([{ provider: 'takepayments', status: 'pending' }]);
    expect(await leadRows(body.leadId)).toBe(0);
    const [name] = await spilledNames();
    const held = (await readSpilled(env.SPILL, name ?? '')) as SpilledLead;
    expect(held.lead.lead.id).toBe(body.leadId);
    expect(held.reason).toBe(LOCKED);
    expect(takePaymentsTakes().has(body.leadId)).toBe(false);
  });

  it('goes to the spill when the database is full, though its reads still answer', async () => {
    const key = crypto.randomUUID();
    const response = await call(
      leadRequest(newLead(), key),
      everyShard((db) => failingD1(db, FULL, { writesOnly: true })),
    );
    expect(response.status).toBe(202);
    const { leadId } = leadAcceptedSchema.parse(await response.json());
    const held = await readSpilled(env.SPILL, spillName({ formId: 'demo-takepayments', idempotencyKey: key }).name);
    expect(held?.lead.lead.id).toBe(leadId);
    expect(held?.reason).toBe(FULL);
  });

  it('answers the same leadId to the same Idempotency-Key during the outage, and 409 to another body', async () => {
    const locked = everyShard((db) => failingD1(db, LOCKED));
    const key = crypto.randomUUID();
    const lead = newLead();
    const first = leadAcceptedSchema.parse(await (await call(leadRequest(lead, key), locked)).json());
    const again = await call(leadRequest(lead, key), locked);
    expect(again.status).toBe(202);
    expect(leadAcceptedSchema.parse(await again.json()).leadId).toBe(first.leadId);
    const other = await call(leadRequest({ ...lead, fields: { ...lead.fields, company: 'Other Ltd' } }, key), locked);
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('idempotency_conflict');
    expect(await spilledNames()).toHaveLength(1);
  });

  it('answers 503 unavailable with Retry-After when the spill refuses it too, and keeps nothing', async () => {
    const response = await call(leadRequest(newLead(), crypto.randomUUID()), {
      ...everyShard((db) => failingD1(db, LOCKED)),
      SPILL: refusingPuts(env.SPILL),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    // The widget on the partner's page may read it: the browser shows it a cross-origin answer's header.
    expect(response.headers.get('access-control-expose-headers')).toBe('Retry-After');
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/try again/);
    expect(await spilledNames()).toEqual([]);
  });
});

describe('the import (every-minute maintenance)', () => {
  it('moves a spilled lead into D1 with its id, time and key, shows it came through the spill, and delivers it once', async () => {
    const key = crypto.randomUUID();
    const submitted = newLead();
    const response = await call(
      leadRequest(submitted, key),
      everyShard((db) => failingD1(db, LOCKED)),
    );
    const { leadId } = leadAcceptedSchema.parse(await response.json());
    const held = await readSpilled(env.SPILL, spillName({ formId: 'demo-takepayments', idempotencyKey: key }).name);

    await runMaintenance();

    expect(await spilledNames()).toEqual([]);
    const row = await dbOf(env, leadId)
      .prepare('SELECT created_at, idempotency_key, spill_reason FROM leads WHERE id = ?')
      .bind(leadId)
      .first<{ created_at: string; idempotency_key: string; spill_reason: string }>();
    expect(row).toEqual({ created_at: held?.lead.lead.createdAt, idempotency_key: key, spill_reason: LOCKED });
    const lead = await leadWhen<SpilledView>(leadId, (l) => expect(l.status).toBe('delivered'));
    expect(lead.spill).toEqual({ spilledAt: held?.spilledAt, reason: LOCKED, importedAt: expect.any(String) });
    expect(Date.parse(lead.spill?.importedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(held?.spilledAt ?? ''));
    expect(takePaymentsTakes().get(leadId)).toBe(1);
    // The same key, now D1 is back, is the same lead.
    const again = await call(leadRequest(submitted, key));
    expect(leadAcceptedSchema.parse(await again.json()).leadId).toBe(leadId);
  });

  it('never makes two leads of one, however often it runs, even when an object it imported comes back', async () => {
    const { leadId } = leadAcceptedSchema.parse(
      await (
        await call(
          leadRequest(newLead(), crypto.randomUUID()),
          everyShard((db) => failingD1(db, LOCKED)),
        )
      ).json(),
    );
    const [name = ''] = await spilledNames();
    const object = await (await env.SPILL.get(name))?.text();
    await Promise.all([runMaintenance(), runMaintenance()]);
    // An import that stopped after D1's batch and before the delete leaves the object behind.
    await env.SPILL.put(name, object ?? '');
    await runMaintenance();
    expect(await spilledNames()).toEqual([]);
    expect(await leadRows(leadId)).toBe(1);
    await leadWhen<SpilledView>(leadId, (l) => expect(l.status).toBe('delivered'));
    const deliveries = await dbOf(env, leadId)
      .prepare('SELECT COUNT(*) AS n FROM deliveries WHERE lead_id = ?')
      .bind(leadId)
      .first<number>('n');
    expect(deliveries).toBe(1);
    expect(takePaymentsTakes().get(leadId)).toBe(1);
  });

  it('skips a spilled lead whose key D1 took meanwhile with the same body, and keeps one under another body', async () => {
    const locked = everyShard((db) => failingD1(db, LOCKED));
    const [same, different] = [crypto.randomUUID(), crypto.randomUUID()];
    const spilled = await Promise.all(
      [same, different].map(async (key) =>
        leadAcceptedSchema.parse(await (await call(leadRequest(newLead(), key), locked)).json()),
      ),
    );
    // Another isolate, which had not spilled, stored the same key in D1 once D1 was back.
    for (const [key, bodyHash] of [
      [same, undefined],
      [different, 'another body'],
    ] as const) {
      const held = await readSpilled(env.SPILL, spillName({ formId: 'demo-takepayments', idempotencyKey: key }).name);
      if (!held) throw new Error('not spilled');
      // The same key is the same shard, where D1's UNIQUE index holds it.
      const shard = shardOf(env, held.lead.lead.id) ?? { index: 0 };
      await insertLead(dbOf(env, held.lead.lead.id), {
        ...held.lead,
        lead: { ...held.lead.lead, id: newLeadId(shard) },
        bodyHash: bodyHash ?? held.lead.bodyHash,
      });
    }
    await runMaintenance();
    expect(await spilledNames()).toEqual([]);
    expect(await leadRows(spilled[0]?.leadId ?? '')).toBe(0);
    // A different body under the key is still a consumer's lead: kept, without the key's claim.
    const kept = await dbOf(env, spilled[1]?.leadId ?? '')
      .prepare('SELECT idempotency_key, spill_reason FROM leads WHERE id = ?')
      .bind(spilled[1]?.leadId)
      .first<{ idempotency_key: string | null; spill_reason: string }>();
    expect(kept).toEqual({ idempotency_key: null, spill_reason: LOCKED });
  });

  it('leaves the spill alone while D1 still refuses writes, and imports it on the next run that can', async () => {
    const { leadId } = leadAcceptedSchema.parse(
      await (
        await call(
          leadRequest(newLead()),
          everyShard((db) => failingD1(db, FULL, { writesOnly: true })),
        )
      ).json(),
    );
    await runMaintenance(everyShard((db) => failingD1(db, FULL, { writesOnly: true })));
    expect(await spilledNames()).toHaveLength(1);
    expect(await leadRows(leadId)).toBe(0);
    await runMaintenance();
    expect(await leadRows(leadId)).toBe(1);
    expect((await adminLead<SpilledView>(leadId)).spill?.reason).toBe(FULL);
  });
});

/** A new person's answers to the LeadExec form, and its ping's offers. */
async function pinged() {
  people += 1;
  const fields = {
    zip: '94107',
    ownsHome: 'Yes',
    electricBill: '101-200',
    firstName: 'Ada',
    lastName: `Spill${people}`,
    email: `spill.${people}.${Date.now()}@example.com`,
    phone: `(415) 555-${String(1000 + ((Date.now() + people) % 9000)).padStart(4, '0')}`,
    address: '1 Market St',
    city: 'San Francisco',
    state: 'CA',
  };
  const response = await call(pingPostRequest('/v1/forms/demo-leadexec/ping', { fields }));
  const offers = pingResponseSchema.parse(await response.json());
  return { fields, offers };
}

function pingPostRequest(path: string, body: unknown): Request {
  return new Request(`http://relay.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, 'cf-connecting-ip': testClientIp() },
    body: JSON.stringify(body),
  });
}

const leadExecInserts = () =>
  sandbox.state.receivedBy('leadexec').filter((r) => r.path === '/leadexec/v2/insert/general');

describe('the LeadExec post while D1 refuses writes', () => {
  it('spills the lead with its consent record and the offers chosen, and posts to LeadExec only once imported', async () => {
    const { fields, offers } = await pinged();
    const chosen = offers.offers[1]?.offerId ?? '';
    const path = `/v1/forms/demo-leadexec/sessions/${offers.sessionId}/post`;
    const request = { fields, offerIds: [chosen], consent: {}, context: { pageUrl: `${PAGE_ORIGIN}/solar` } };
    const locked = everyShard((db) => failingD1(db, LOCKED));

    const response = await call(pingPostRequest(path, request), locked);
    expect(response.status).toBe(200);
    const answer = postResponseSchema.parse(await response.json());
    expect(answer).toEqual({ leadId: expect.any(String), status: 'accepted', acceptedOffers: [] });
    // An order posted now could not be recorded, and the import would post it again.
    expect(leadExecInserts()).toHaveLength(0);
    const again = await call(pingPostRequest(path, request), locked);
    expect(postResponseSchema.parse(await again.json()).leadId).toBe(answer.leadId);
    const otherChoice = await call(
      pingPostRequest(path, { ...request, offerIds: [offers.offers[0]?.offerId] }),
      locked,
    );
    expect(otherChoice.status).toBe(409);
    expect(((await otherChoice.json()) as { error: { code: string } }).error.code).toBe('session_used');

    await runMaintenance();

    const lead = await leadWhen<SpilledView & { consentRecord: { offers: { offerId: string; chosen: boolean }[] } }>(
      answer.leadId,
      (l) => expect(l.status).toBe('delivered'),
    );
    expect(lead.spill?.reason).toBe(LOCKED);
    expect(lead.consentRecord.offers.map((o) => [o.offerId, o.chosen])).toEqual(
      offers.offers.map((o) => [o.offerId, o.offerId === chosen]),
    );
    const inserts = leadExecInserts();
    expect(inserts).toHaveLength(1);
    expect(JSON.parse(inserts[0]?.body ?? '{}').leads[0].properties).toMatchObject({
      offerIds: [chosen],
      reference: answer.leadId,
    });
    // Posted again once D1 is back, the session answers the lead it made, with the offer accepted.
    await vi.waitFor(
      async () => {
        const later = postResponseSchema.parse(await (await call(pingPostRequest(path, request))).json());
        expect(later).toMatchObject({ leadId: answer.leadId, acceptedOffers: [chosen] });
      },
      { timeout: 10_000, interval: 200 },
    );
  });
});
