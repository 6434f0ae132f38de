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
      phone: '07840 258841',
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
      phone: '07840 258842',
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
      phone: '07840 258843',
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
      phone: '07840 258844',
      company: 'Hopper Motors Ltd',
      postcode: 'sw1a 1aa',
      address: '1 Horse Guards Road, London',
      vehicle: 'Audi Q4 e-tron',
      message: 'Weekend test drive, and a card machine for the showroom.',
    },
    consent: { contact: true, offersByEmail: true },
  },
};

async function deliveredThroughTheQueue(formId: keyof typeof submissions, submission = submissions[formId]) {
  const response = await postLead(formId, submission);
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
    expect(bodyAt('dialler')).toMatchObject({ mobile: '07840258841', type: 'motor-trade', subtype: 'valeter' });
    expect(JSON.parse(bodyAt('dialler').data)).toMatchObject({ service: 'Full valet', postcode: 'LS1 4AP' });
  });

  it('deliver a test-drive request to CAP with the consumer’s own opt-ins', async () => {
    expect(await deliveredThroughTheQueue('demo-cap')).toEqual(['cap']);
    expect(bodyAt('cap').optInConsents).toEqual({ PhoneCall: true, Post: false, Email: true, Sms: false });
    expect(bodyAt('cap').contactDetail.phoneNumber).toBe('+447840258842');
  });

  it('deliver a quote request to Getlead, then a note of the message and a call task as steps', async () => {
    expect(await deliveredThroughTheQueue('demo-getlead')).toEqual(['getlead']);
    await vi.waitFor(() => expect(sandbox.state.receivedBy('getlead')).toHaveLength(3), { timeout: 10_000 });
    const requests = sandbox.state.receivedBy('getlead');
    expect(requests[0]?.path).toMatch(/gl-website-contacts$/);
    const byPath = (end: string) => requests.find((r) => r.path.endsWith(end));
    expect(byPath('gl-note-creation-api')?.query.note).toBe('Six handsets by March.');
    expect(byPath('gl-task-creation-api')?.query.task_category_id).toBe('2');
  });

  it('deliver an Indian mobile to Getlead as country code 91 and the national number', async () => {
    // The widget sends what the consumer typed in E.164; India chosen, 098950 12345 is +919895012345.
    for (const phone of ['+91 98950 12345', '0091 98950 12345', '+919895012345']) {
      const submission = submissions['demo-getlead'];
      const fields = { ...submission.fields, phone };
      expect(await deliveredThroughTheQueue('demo-getlead', { ...submission, fields })).toEqual(['getlead']);
      const created = sandbox.state.receivedBy('getlead').filter((r) => r.path.endsWith('/gl-website-contacts'));
      expect(created.at(-1)?.query).toMatchObject({
        countrycode: '91',
        mobileno: '9895012345',
      });
    }
  });

  it('refuse an impossible number on the Getlead form, naming the rule', async () => {
    for (const phone of ['+91 00000 00000', '07840 25882']) {
      const submission = submissions['demo-getlead'];
      const response = await postLead('demo-getlead', { ...submission, fields: { ...submission.fields, phone } });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 'validation_failed', issues: [{ path: 'fields.phone', rule: 'phone' }] },
      });
    }
  });

  it('deliver one enquiry to TakePayments, the dialler, CAP and Getlead at once', async () => {
    expect(await deliveredThroughTheQueue('demo-all')).toEqual(['takepayments', 'dialler', 'cap', 'getlead']);
    expect(bodyAt('takepayments')).toMatchObject({ FirstName: 'Grace', Company: 'Hopper Motors Ltd' });
    expect(bodyAt('cap').optInConsents).toEqual({ PhoneCall: null, Post: null, Email: true, Sms: null });
  });
});
