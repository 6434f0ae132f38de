/**
 * Every provider call that carries a consumer's data or choice is a step: the follow-ups a Getlead
 * delivery brings, LeadExec's accept of each chosen offer, an operator's update. Each is retried
 * to success, and when it keeps failing it is dead-lettered, shown, and replayed.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { strandedAfterMs } from '../../../edge/delivery/sweep.ts';
import worker from '../../../edge/index.ts';
import { dbOf } from '../../../edge/storage/shards.ts';
import type { PingResponse } from '../../../shared/ping-post.ts';
import {
  admin,
  adminLead,
  getleadPerson,
  leadWhen,
  PAGE_ORIGIN,
  postLead,
  relay,
  runMaintenance,
  solarAnswers,
  testClientIp,
} from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface Step {
  kind: string;
  status: string;
  parameters: Record<string, unknown>;
  attemptLog: { outcome: string }[];
}

interface AdminLead {
  status: string;
  deliveries: { status: string; attemptLog: { outcome: string }[] }[];
  steps: Step[];
}

const leadView = (leadId: string) => adminLead<AdminLead>(leadId);
const until = (leadId: string, check: (lead: AdminLead) => void, timeout?: number) =>
  leadWhen<AdminLead>(leadId, check, timeout);

function post(path: string, body: unknown) {
  return relay(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, 'cf-connecting-ip': testClientIp() },
    body: JSON.stringify(body),
  });
}

/** The next `times` requests to one endpoint of the provider meet a server error. */
function failAt(provider: string, path: string, status: number, times: number): void {
  sandbox.state.addFault(provider, { fault: { kind: 'status', status }, times, path });
}

describe('a Getlead follow-up', () => {
  it('is a step of the lead, retried until Getlead takes the consumer’s message', async () => {
    failAt('getlead', '/gl-note-creation-api', 503, 1);
    const { leadId } = (await (await postLead('demo-getlead', getleadPerson())).json()) as { leadId: string };
    const lead = await until(leadId, (l) => expect(l.steps.map((s) => s.status)).toEqual(['delivered', 'delivered']));
    const note = lead.steps.find((s) => s.kind === 'note');
    expect(note?.parameters).toEqual({ note: 'Six handsets by March.' });
    expect(note?.attemptLog.map((a) => a.outcome)).toEqual(['retryable', 'delivered']);
    expect(lead.status).toBe('delivered');
  });

  it('that keeps failing leaves the lead partly delivered, not delivered, until it is replayed', async () => {
    failAt('getlead', '/gl-note-creation-api', 500, 3);
    const person = getleadPerson();
    const { leadId } = (await (await postLead('demo-getlead', person)).json()) as { leadId: string };
    const failed = await until(leadId, (l) => {
      expect(l.steps.find((s) => s.kind === 'note')?.status).toBe('failed');
      expect(l.status).toBe('partially_delivered');
    });
    expect(failed.deliveries[0]?.status).toBe('delivered');
    expect(await (await admin(`/leads/${leadId}/replay`, { method: 'POST' })).json()).toMatchObject({
      replayed: ['getlead'],
    });
    const replayed = await until(leadId, (l) => {
      expect(l.steps.find((s) => s.kind === 'note')?.status).toBe('delivered');
      expect(l.status).toBe('delivered');
    });
    // The lead itself was created once: only its note was tried again.
    const created = sandbox.state
      .receivedBy('getlead')
      .filter((r) => r.path.endsWith('/gl-website-contacts') && r.query.email === person.fields.email);
    expect(created).toHaveLength(1);
    expect(replayed.steps.find((s) => s.kind === 'note')?.attemptLog).toHaveLength(4);
  });
});

describe('the steps of a delivery its provider refuses', () => {
  it('are refused too, with the reason, instead of waiting for ever', async () => {
    sandbox.state.addFault('getlead', {
      fault: { kind: 'status', status: 200, body: '{"status":"fail","message":"Duplicate enquiry."}' },
      times: 1,
      path: '/gl-website-contacts',
    });
    const { leadId } = (await (await postLead('demo-getlead', getleadPerson())).json()) as { leadId: string };
    const lead = await until(leadId, (l) => expect(l.steps.map((s) => s.status)).toEqual(['rejected', 'rejected']));
    expect(lead.deliveries[0]?.status).toBe('rejected');
    expect(lead.status).toBe('rejected');
    expect(lead.steps.every((s) => s.attemptLog.length === 0)).toBe(true);
  });
});

describe('a LeadExec offer accept', () => {
  async function postChosen(): Promise<{ leadId: string; acceptedOffers: string[]; status: number }> {
    const fields = solarAnswers();
    const ping = (await (await post('/v1/forms/demo-leadexec/ping', { fields })).json()) as PingResponse;
    const offerId = ping.offers[0]?.offerId ?? '';
    const response = await post(`/v1/forms/demo-leadexec/sessions/${ping.sessionId}/post`, {
      fields,
      offerIds: [offerId],
      consent: {},
    });
    const body = (await response.json()) as { leadId: string; acceptedOffers: string[] };
    return { ...body, status: response.status };
  }

  it('is answered at once when LeadExec takes it', async () => {
    const posted = await postChosen();
    expect(posted.acceptedOffers).toHaveLength(1);
    const lead = await leadView(posted.leadId);
    expect(lead.steps).toEqual([expect.objectContaining({ kind: 'accept', status: 'delivered' })]);
  });

  it('that fails is retried until the buyer the consumer chose is told', async () => {
    failAt('leadexec', '/accept', 503, 1);
    const posted = await postChosen();
    expect(posted.acceptedOffers).toEqual([]);
    const lead = await until(posted.leadId, (l) => expect(l.steps[0]?.status).toBe('delivered'));
    expect(lead.steps[0]?.attemptLog.map((a) => a.outcome)).toEqual(['retryable', 'delivered']);
  });

  it('that keeps failing is dead-lettered, shown failed, and replayed', async () => {
    failAt('leadexec', '/accept', 500, 3);
    const posted = await postChosen();
    await until(posted.leadId, (l) => {
      expect(l.steps[0]?.status).toBe('failed');
      expect(l.status).toBe('partially_delivered');
    });
    await admin(`/leads/${posted.leadId}/replay`, { method: 'POST' });
    const lead = await until(posted.leadId, (l) => {
      expect(l.steps[0]?.status).toBe('delivered');
      expect(l.status).toBe('delivered');
    });
    expect(lead.steps[0]?.attemptLog.at(-1)?.outcome).toBe('delivered');
  });
});

describe('an operator’s LeadExec update', () => {
  it('that keeps failing is dead-lettered, shown failed, and replayed', async () => {
    const { leadId } = (await (await postLead('demo-leadexec', { fields: solarAnswers() })).json()) as {
      leadId: string;
    };
    await until(leadId, (l) => expect(l.deliveries[0]?.status).toBe('delivered'));
    failAt('leadexec', '/v2/update', 500, 3);
    await admin(`/leads/${leadId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { city: 'Oakland' } }),
    });
    await until(leadId, (l) => expect(l.steps[0]?.status).toBe('failed'));
    await admin(`/leads/${leadId}/replay`, { method: 'POST' });
    const lead = await until(leadId, (l) => expect(l.steps[0]?.status).toBe('delivered'));
    expect(lead.status).toBe('delivered');
  });
});

describe('the sweep (Cron Trigger)', () => {
  it('queues a stored lead the relay never queued, and it is delivered', async () => {
    // A lead stored by a relay that died before its queue send: the delivery is pending and untried.
    const failingQueue = {
      send: () => Promise.reject(new Error('died')),
      sendBatch: () => Promise.reject(new Error('died')),
    };
    const ctx = createExecutionContext();
    const request = new Request('http://relay.test/v1/forms/demo-getlead/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, 'cf-connecting-ip': testClientIp() },
      body: JSON.stringify(getleadPerson()),
    });
    const response = await worker.fetch(request, { ...env, DELIVERIES: failingQueue } as unknown as Env, ctx);
    await waitOnExecutionContext(ctx);
    const { leadId } = (await response.json()) as { leadId: string };
    // failUnqueued marked it failed; a crash would have left it pending, as here.
    await dbOf(env, leadId)
      .prepare(
        "UPDATE deliveries SET status = 'pending', last_error = NULL, updated_at = ? WHERE lead_id = ? AND kind = 'lead'",
      )
      .bind(new Date(Date.now() - strandedAfterMs(env) - 1000).toISOString(), leadId)
      .run();

    await runMaintenance();
    const lead = await until(leadId, (l) => {
      expect(l.deliveries[0]?.status).toBe('delivered');
      expect(l.steps.map((s) => s.status)).toEqual(['delivered', 'delivered']);
    });
    expect(lead.status).toBe('delivered');
  });

  it('queues a step whose delivery went through but whose queue message was lost', async () => {
    const { leadId } = (await (await postLead('demo-getlead', getleadPerson())).json()) as { leadId: string };
    await until(leadId, (l) => expect(l.steps.map((s) => s.status)).toEqual(['delivered', 'delivered']));
    const long = new Date(Date.now() - strandedAfterMs(env) - 1000).toISOString();
    // As if the consumer died between recording the delivery and queueing its steps.
    const db = dbOf(env, leadId);
    await db.batch([
      db.prepare("UPDATE deliveries SET updated_at = ? WHERE lead_id = ? AND kind = 'lead'").bind(long, leadId),
      db
        .prepare(
          "UPDATE deliveries SET status = 'pending', attempts = 0, updated_at = ? WHERE lead_id = ? AND kind = 'note'",
        )
        .bind(long, leadId),
    ]);
    await runMaintenance();
    const lead = await until(leadId, (l) => expect(l.steps.find((s) => s.kind === 'note')?.status).toBe('delivered'));
    expect(lead.steps.find((s) => s.kind === 'note')?.attemptLog).toHaveLength(2);
  });

  it('leaves alone what is on its way', async () => {
    const { leadId } = (await (await postLead('demo-getlead', getleadPerson())).json()) as { leadId: string };
    await runMaintenance();
    const lead = await until(leadId, (l) => expect(l.steps.map((s) => s.status)).toEqual(['delivered', 'delivered']));
    expect(lead.status).toBe('delivered');
    expect([...lead.deliveries, ...lead.steps].map((d) => d.attemptLog.length)).toEqual([1, 1, 1]);
  });
});
