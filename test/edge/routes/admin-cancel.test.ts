import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { deliverMessage } from '../../../edge/delivery/consumer.ts';
import { insertLead } from '../../../edge/delivery/store.ts';
import { forms } from '../../../edge/forms/index.ts';
import { admin, relay } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface Cancelled {
  leadId: string;
  cancellations: { provider: string; destination: number; cancelled: boolean; warning?: string; httpStatus: number }[];
}

/**
 * Stores a lead for a demo form and delivers each destination through the consumer, without the
 * real queue (which would race the test to the sandbox). Fields are in their checked form: E.164 phone.
 */
async function deliveredLead(formId: string, phone: string): Promise<string> {
  const form = forms.get(formId);
  if (!form) throw new Error(`no form ${formId}`);
  const leadId = crypto.randomUUID();
  await insertLead(env.DB, {
    lead: {
      id: leadId,
      formId,
      fields: {
        firstName: 'John',
        lastName: 'Doe',
        email: 'john.doe@example.com',
        phone,
        postcode: 'LS1 4AP',
        service: 'Full valet',
        vehicle: 'Audi Q6 e-tron',
        message: 'After 5pm, please.',
      },
      consent: { contact: true },
      context: {},
      ip: '203.0.113.7',
      userAgent: 'test',
      createdAt: new Date().toISOString(),
    },
    idempotencyKey: null,
    bodyHash: 'test',
    providers: form.destinations.map((d) => d.provider),
  });
  for (const destination of form.destinations.keys()) {
    await deliverMessage(env, { deliveryId: `${leadId}.${destination}`, leadId, formId, destination });
  }
  return leadId;
}

function cancel(leadId: string) {
  return admin(`/leads/${leadId}/cancel`, { method: 'POST' });
}

describe('POST /v1/admin/leads/:leadId/cancel', () => {
  it('cancels a scheduled lead at the dialler and answers per destination', async () => {
    const leadId = await deliveredLead('demo-dialler', '+447700900131');
    const response = await cancel(leadId);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      leadId,
      cancellations: [{ provider: 'dialler', destination: 0, cancelled: true, httpStatus: 200 }],
    });
    const request = sandbox.state.receivedBy('dialler').at(-1);
    expect(request?.path).toBe('/dialler/lead/cancel');
    expect(JSON.parse(request?.body ?? '{}')).toEqual({ type: 'motor-trade', mobile: '07700900131' });
  });

  it('answers the dialler’s warning when there is nothing left to cancel', async () => {
    const leadId = await deliveredLead('demo-dialler', '+447700900132');
    await cancel(leadId);
    const body = (await (await cancel(leadId)).json()) as Cancelled;
    expect(body.cancellations).toEqual([
      { provider: 'dialler', destination: 0, cancelled: false, warning: 'not found', httpStatus: 200 },
    ]);
  });

  it('cancels only the dialler destination of a lead that fanned out to every provider', async () => {
    const leadId = await deliveredLead('demo-all', '+447700900133');
    const lead = (await (await admin(`/leads/${leadId}`)).json()) as {
      deliveries: { provider: string; status: string }[];
    };
    expect(lead.deliveries.map((d) => [d.provider, d.status])).toEqual([
      ['takepayments', 'delivered'],
      ['dialler', 'delivered'],
      ['cap', 'delivered'],
      ['getlead', 'delivered'],
    ]);
    const body = (await (await cancel(leadId)).json()) as Cancelled;
    expect(body.cancellations).toEqual([{ provider: 'dialler', destination: 1, cancelled: true, httpStatus: 200 }]);
  });

  it('answers 409 no_dialler_destination for a lead that never went to a dialler', async () => {
    const leadId = await deliveredLead('demo-cap', '+447700900134');
    const response = await cancel(leadId);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('no_dialler_destination');
  });

  it('answers 404 lead_not_found for an unknown lead', async () => {
    const response = await cancel('no-such-lead');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('lead_not_found');
  });

  it('needs the admin token', async () => {
    const response = await relay('/v1/admin/leads/any/cancel', { method: 'POST' });
    expect(response.status).toBe(401);
  });
});
