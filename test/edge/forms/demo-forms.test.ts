import { describe, expect, it, vi } from 'vitest';
import { admin, postLead } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

/** What a person fills in on each demo form, typed the way people type (national phone, lower-case postcode). */
const submissions = {
  'demo-dialler': {
    fields: {
      firstName: 'John',
      lastName: 'Doe',
      email: 'john.doe@example.com',
      phone: '07700 900141',
      vehicleMake: 'Ford',
      vehicleModel: 'Focus',
      service: 'Full valet',
      postcode: 'ls1 4ap',
      address: '1 Park Row, Leeds',
    },
    consent: { contact: true },
  },
  'demo-cap': {
    fields: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '07700 900142',
      postcode: 'l3 9ag',
      vehicle: 'Audi Q6 e-tron',
    },
    consent: { phoneCall: true, email: true },
  },
  'demo-getlead': {
    fields: {
      firstName: 'Priya',
      lastName: 'Nair',
      email: 'priya.nair@example.com',
      phone: '07700 900143',
      company: 'Nair & Daughters Ltd',
      purpose: 'Phone system',
      message: 'Six handsets by March.',
    },
    consent: { contact: true },
  },
  'demo-all': {
    fields: {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@example.com',
      phone: '07700 900144',
      company: 'Hopper Motors Ltd',
      postcode: 'sw1a 1aa',
      address: '1 Horse Guards Road, London',
      vehicle: 'Audi Q4 e-tron',
      message: 'Weekend test drive, and a card machine for the showroom.',
    },
    consent: { contact: true, offersByEmail: true },
  },
};

async function deliveredThroughTheQueue(formId: keyof typeof submissions) {
  const response = await postLead(formId, submissions[formId]);
  expect(response.status).toBe(202);
  const { leadId } = (await response.json()) as { leadId: string };
  let lead: { status: string; deliveries: { provider: string; status: string }[] } | undefined;
  await vi.waitFor(
    async () => {
      lead = await (await admin(`/leads/${leadId}`)).json();
      expect(lead?.status).toBe('delivered');
    },
    { timeout: 10_000, interval: 100 },
  );
  return lead?.deliveries.map((d) => d.provider);
}

function bodyAt(provider: string) {
  return JSON.parse(sandbox.state.receivedBy(provider).at(0)?.body ?? '{}');
}

describe('the demo forms', () => {
  it('deliver a valeting enquiry to the dialler, the phone in UK national form', async () => {
    expect(await deliveredThroughTheQueue('demo-dialler')).toEqual(['dialler']);
    expect(bodyAt('dialler')).toMatchObject({ mobile: '07700900141', type: 'motor-trade', subtype: 'valeter' });
    expect(JSON.parse(bodyAt('dialler').data)).toMatchObject({ service: 'Full valet', postcode: 'LS1 4AP' });
  });

  it('deliver a test-drive request to CAP with the consumer’s own opt-ins', async () => {
    expect(await deliveredThroughTheQueue('demo-cap')).toEqual(['cap']);
    expect(bodyAt('cap').optInConsents).toEqual({ PhoneCall: true, Post: false, Email: true, Sms: false });
    expect(bodyAt('cap').contactDetail.phoneNumber).toBe('+447700900142');
  });

  it('deliver a quote request to Getlead with a note of the message and a call task', async () => {
    expect(await deliveredThroughTheQueue('demo-getlead')).toEqual(['getlead']);
    const requests = sandbox.state.receivedBy('getlead');
    expect(requests.map((r) => r.path.split('/').pop())).toEqual([
      'gl-website-contacts',
      'gl-note-creation-api',
      'gl-task-creation-api',
    ]);
    expect(requests[1]?.query.note).toBe('Six handsets by March.');
    expect(requests[2]?.query.task_category_id).toBe('2');
  });

  it('deliver one enquiry to TakePayments, the dialler, CAP and Getlead at once', async () => {
    expect(await deliveredThroughTheQueue('demo-all')).toEqual(['takepayments', 'dialler', 'cap', 'getlead']);
    expect(bodyAt('takepayments')).toMatchObject({ FirstName: 'Grace', Company: 'Hopper Motors Ltd' });
    expect(bodyAt('cap').optInConsents).toEqual({ PhoneCall: null, Post: null, Email: true, Sms: null });
  });
});
