import { describe, expect, it } from 'vitest';
import { NOT_SENT } from '../../../edge/privacy/personal-data.ts';
import { admin, getleadPerson, leadWhen, postLead, relay, runMaintenance, validTakePaymentsLead } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface DeliveryView {
  provider: string;
  status: string;
  lastError: string | null;
}
interface LeadView {
  leadId: string;
  formId: string;
  purgedAt: string | null;
  erasure: { erasedAt: string; reason: string; requestedBy: string; matchedBy: string | null } | null;
  fields: Record<string, unknown>;
  deliveries: DeliveryView[];
  steps: DeliveryView[];
}
interface Erased {
  leadId: string;
  erased: true;
  providers: { provider: string; deletion: string; warning?: string }[];
}

function uniqueEmail(): string {
  return `subject.${crypto.randomUUID().slice(0, 8)}@example.com`;
}

async function submitted(formId: string, body: unknown): Promise<string> {
  const response = await postLead(formId, body);
  expect(response.status).toBe(202);
  return ((await response.json()) as { leadId: string }).leadId;
}

/** The same person on two forms: a card-machine quote and a phone-system enquiry. */
async function onePersonTwice(email: string) {
  const person = getleadPerson();
  const quote = await submitted('demo-takepayments', {
    ...validTakePaymentsLead,
    fields: { ...validTakePaymentsLead.fields, email: email.toUpperCase() },
  });
  const enquiry = await submitted('demo-getlead', { ...person, fields: { ...person.fields, email } });
  return { quote, enquiry, phone: person.fields.phone };
}

async function exported(query: string): Promise<LeadView[]> {
  const response = await admin(`/subjects?${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { leads: LeadView[] }).leads;
}

describe('GET /v1/admin/subjects', () => {
  it('exports every lead of one email, whatever its case, with deliveries and steps', async () => {
    const email = uniqueEmail();
    const { quote, enquiry } = await onePersonTwice(email);
    await leadWhen<LeadView>(enquiry, (l) => expect(l.steps.map((s) => s.status)).toEqual(['delivered', 'delivered']));
    const leads = await exported(`email=${encodeURIComponent(email)}`);
    expect(leads.map((l) => l.leadId).sort()).toEqual([quote, enquiry].sort());
    const getlead = leads.find((l) => l.leadId === enquiry);
    expect(getlead?.fields.email).toBe(email);
    expect(getlead?.steps).toHaveLength(2);
  });

  it('finds a phone given in national form with its country, or in E.164', async () => {
    const email = uniqueEmail();
    const { enquiry, phone } = await onePersonTwice(email);
    const national = await exported(`phone=${encodeURIComponent(phone)}&country=GB`);
    expect(national.map((l) => l.leadId)).toEqual([enquiry]);
    const e164 = `+44${phone.replace(/\D/g, '').slice(1)}`;
    expect((await exported(`phone=${encodeURIComponent(e164)}`)).map((l) => l.leadId)).toEqual([enquiry]);
  });

  it('answers 400 naming the rule when neither or both identifiers are given', async () => {
    for (const query of ['', 'email=a@example.com&phone=%2B447840123456']) {
      const response = await admin(`/subjects?${query}`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; issues: { path: string }[] } };
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.issues[0]?.path).toBe('query.email');
    }
    const phone = await admin('/subjects?phone=12345');
    expect(((await phone.json()) as { error: { issues: { rule: string }[] } }).error.issues[0]?.rule).toBe('phone');
  });

  it('needs the admin token', async () => {
    expect((await relay('/v1/admin/subjects?email=a@example.com')).status).toBe(401);
    expect((await relay('/v1/admin/subjects?email=a@example.com', { method: 'DELETE' })).status).toBe(401);
  });
});

describe('DELETE /v1/admin/subjects', () => {
  it('erases every lead of the person and leaves a tombstone naming when, why and which token', async () => {
    const email = uniqueEmail();
    const { quote, enquiry } = await onePersonTwice(email);
    await leadWhen<LeadView>(enquiry, (l) => expect(l.deliveries[0]?.status).toBe('delivered'));
    const response = await admin(
      `/subjects?email=${encodeURIComponent(email)}&reason=${encodeURIComponent('GDPR art. 17 request #42')}`,
      {
        method: 'DELETE',
      },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { erased: number; leads: Erased[] };
    expect(body.erased).toBe(2);
    expect(await exported(`email=${encodeURIComponent(email)}`)).toEqual([]);
    for (const id of [quote, enquiry]) {
      const lead = await leadWhen<LeadView>(id, () => undefined);
      expect(lead.fields).toEqual({});
      expect(lead.purgedAt).not.toBeNull();
      expect(lead.erasure).toEqual({
        erasedAt: lead.purgedAt,
        reason: 'GDPR art. 17 request #42',
        requestedBy: 'owner',
        matchedBy: 'email',
      });
      expect(JSON.stringify(lead)).not.toContain(email);
    }
    const getlead = body.leads.find((l) => l.leadId === enquiry);
    expect(getlead?.providers).toEqual([expect.objectContaining({ provider: 'getlead', deletion: 'none' })]);
  });

  it('refuses to change, act on or replay an erased lead (410 lead_erased)', async () => {
    const leadId = await submitted('demo-takepayments', validTakePaymentsLead);
    await leadWhen<LeadView>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('delivered'));
    expect((await admin(`/leads/${leadId}`, { method: 'DELETE' })).status).toBe(200);
    const patch = await admin(`/leads/${leadId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { firstName: 'Back' } }),
    });
    expect(patch.status).toBe(410);
    expect(((await patch.json()) as { error: { code: string } }).error.code).toBe('lead_erased');
    expect((await admin(`/leads/${leadId}/replay`, { method: 'POST' })).status).toBe(410);
  });
});

describe('DELETE /v1/admin/leads/:leadId', () => {
  it('never sends a delivery that was queued for a retry when the lead was erased', async () => {
    // TakePayments keeps failing, so the delivery is still waiting for a retry when the lead is erased.
    sandbox.state.addFault('takepayments', { fault: { kind: 'status', status: 503 }, times: 10 });
    const email = uniqueEmail();
    const sent = () => sandbox.state.receivedBy('takepayments').filter((r) => r.body.includes(email)).length;
    const leadId = await submitted('demo-takepayments', {
      ...validTakePaymentsLead,
      fields: { ...validTakePaymentsLead.fields, email },
    });
    await leadWhen<LeadView>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('retrying'));
    const response = await admin(`/leads/${leadId}`, { method: 'DELETE' });
    expect(await response.json()).toEqual({ leadId, erased: true, providers: [] });
    const sentBefore = sent();
    // Retries are due after 1 s and 3 s in the tests; the sweep would requeue anything stranded.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    await runMaintenance();
    const lead = await leadWhen<LeadView>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('rejected'));
    expect(lead.deliveries[0]?.lastError).toBe(NOT_SENT);
    expect(sent()).toBe(sentBefore);
  });

  it('offers the dialler’s cancel, and runs it first when asked', async () => {
    const dialled = async () => {
      const leadId = await submitted('demo-dialler', {
        fields: {
          firstName: 'John',
          lastName: 'Doe',
          email: uniqueEmail(),
          phone: `07840 ${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
          vehicleMake: 'Ford',
          vehicleModel: 'Focus',
          service: 'Full valet',
          postcode: 'ls1 4ap',
          address: '1 Park Row, Leeds',
        },
        consent: { contact: true },
      });
      await leadWhen<LeadView>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('delivered'));
      return leadId;
    };
    const offered = (await (await admin(`/leads/${await dialled()}`, { method: 'DELETE' })).json()) as Erased;
    expect(offered.providers).toEqual([expect.objectContaining({ provider: 'dialler', deletion: 'available' })]);
    expect(sandbox.state.receivedBy('dialler').filter((r) => r.path.endsWith('/lead/cancel'))).toHaveLength(0);

    const cancelled = (await (
      await admin(`/leads/${await dialled()}?cancel=true`, { method: 'DELETE' })
    ).json()) as Erased;
    expect(cancelled.providers).toEqual([expect.objectContaining({ provider: 'dialler', deletion: 'cancelled' })]);
    expect(sandbox.state.receivedBy('dialler').filter((r) => r.path.endsWith('/lead/cancel'))).toHaveLength(1);
  });

  it('answers 404 lead_not_found for an unknown lead', async () => {
    const response = await admin(`/leads/${crypto.randomUUID()}`, { method: 'DELETE' });
    expect(response.status).toBe(404);
  });
});
