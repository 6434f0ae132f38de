import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { insertLead } from '../../../edge/delivery/store.ts';
import { admin, postLead, validTakePaymentsLead } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface ErrorBody {
  error: { code: string };
}

interface AdminLead {
  status: string;
  deliveries: { status: string; reference: string | null }[];
}

// The LeadExec sandbox refuses an email or phone it has seen, so each lead is a new person.
function solarLead() {
  const n = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  const line = String(n % 10_000).padStart(4, '0');
  const exchange = 200 + (n % 700);
  return {
    fields: {
      zip: '94105',
      ownsHome: 'Yes',
      electricBill: '201-300',
      roofShade: 'None',
      firstName: 'Maria',
      lastName: 'Lopez',
      email: `maria.${n}@example.com`,
      phone: `(415) ${exchange}-${line}`,
      address: '500 Market St',
      city: 'San Francisco',
      state: 'CA',
    },
    consent: {},
    context: { pageUrl: 'http://localhost:5173/solar' },
  };
}

async function submit(body: ReturnType<typeof solarLead>): Promise<string> {
  const response = await postLead('demo-leadexec', body);
  expect(response.status).toBe(202);
  return ((await response.json()) as { leadId: string }).leadId;
}

/** Waits for the queue consumer to finish the lead's LeadExec delivery one way or the other. */
async function settled(leadId: string): Promise<AdminLead> {
  let lead: AdminLead | undefined;
  await vi.waitFor(
    async () => {
      lead = (await (await admin(`/leads/${leadId}`)).json()) as AdminLead;
      expect(lead.deliveries[0]?.status).toMatch(/^(delivered|rejected)$/);
    },
    { timeout: 10_000, interval: 100 },
  );
  if (!lead) throw new Error('the lead never settled');
  return lead;
}

describe('GET /v1/admin/leads/:leadId/status', () => {
  it('answers LeadExec’s status of a delivered lead, asked by the insert’s requestId', async () => {
    const leadId = await submit(solarLead());
    const lead = await settled(leadId);
    expect(lead.deliveries[0]?.status).toBe('delivered');
    const reference = lead.deliveries[0]?.reference;

    const response = await admin(`/leads/${leadId}/status`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { requestId: string; results: unknown[] };
    expect(body).toMatchObject({
      leadId,
      provider: 'leadexec',
      reference,
      results: [{ leadId: Number(reference), isValid: true, campaignId: 3003, returnDetails: { isReturned: false } }],
    });
    const asked = sandbox.state.receivedBy('leadexec').at(-1);
    expect([asked?.method, asked?.path]).toEqual(['GET', `/leadexec/v2/status/${body.requestId}`]);
    expect(asked?.headers['api-key']).toBe(env.LEADEXEC_API_KEY);
  });

  it('answers 404 lead_not_found for an unknown lead', async () => {
    const response = await admin('/leads/no-such-lead/status');
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('lead_not_found');
  });

  it('answers 409 not_delivered for a lead with no LeadExec destination', async () => {
    const { leadId } = (await (await postLead('demo-takepayments', validTakePaymentsLead)).json()) as {
      leadId: string;
    };
    const response = await admin(`/leads/${leadId}/status`);
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.code).toBe('not_delivered');
  });

  it('answers 409 not_delivered while the LeadExec delivery is still pending', async () => {
    // Stored without queueing, so nothing delivers it while the test asks.
    const leadId = crypto.randomUUID();
    await insertLead(env.DB, {
      lead: {
        id: leadId,
        formId: 'demo-leadexec',
        fields: solarLead().fields,
        consent: {},
        context: {},
        ip: null,
        userAgent: null,
        createdAt: new Date().toISOString(),
      },
      idempotencyKey: null,
      bodyHash: 'test',
      providers: ['leadexec'],
    });
    const response = await admin(`/leads/${leadId}/status`);
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.code).toBe('not_delivered');
  });

  it('answers 409 not_delivered when LeadExec refused the lead', async () => {
    const person = solarLead();
    await settled(await submit(person));
    const duplicateId = await submit({ ...person, context: { pageUrl: 'http://localhost:5173/again' } });
    expect((await settled(duplicateId)).deliveries[0]?.status).toBe('rejected');
    const response = await admin(`/leads/${duplicateId}/status`);
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.code).toBe('not_delivered');
  });

  it('answers 502 upstream_failed when LeadExec does not answer the status request', async () => {
    const leadId = await submit(solarLead());
    await settled(leadId);
    sandbox.state.addFault('leadexec', { fault: { kind: 'status', status: 503 }, times: 1 });
    const response = await admin(`/leads/${leadId}/status`);
    expect(response.status).toBe(502);
    expect(((await response.json()) as ErrorBody).error.code).toBe('upstream_failed');
  });
});
