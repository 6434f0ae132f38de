import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseForms } from '../../../edge/forms/schema.ts';
import { type CapOptions, cap, capOptionsSchema } from '../../../edge/providers/cap.ts';
import type { CanonicalLead } from '../../../edge/providers/types.ts';
import { sandbox } from '../sandbox.ts';
import { baseUrlOf, testAdapter } from './conformance.ts';

const options = {
  campaignId: '966c7488-bfa7-45b5-8510-d26ba3008879',
  enquiryType: 'Test Drive',
  consents: { PhoneCall: 'phoneCall', Post: 'post', Email: 'email' },
};

const lead: CanonicalLead = {
  id: '9cf5ae87-aafb-43e5-b4d3-9d72367a2b86',
  formId: 'demo-cap',
  fields: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phone: '+442087599036',
    postcode: 'L3 9AG',
    vehicle: 'Audi Q6 e-tron',
  },
  consent: { phoneCall: true, email: false },
  context: { utm_source: 'Google' },
  ip: '203.0.113.7',
  userAgent: 'test',
  createdAt: '2026-11-23T10:20:59.520Z',
};

// The document's own example responses.
const SUCCESS = JSON.stringify({
  success: true,
  messages: [],
  result: { requestReferenceId: 'e05072f9-ae85-42e2-ba42-c13449e5abaf', enquiryReferenceCode: 'ENQ-240912-AZGCM0F8' },
});
const FAILED = JSON.stringify({
  success: false,
  messages: ['ERROR_SPECIFIC_MESSAGE_HERE'],
  result: { requestReferenceId: '08585f67-6d4d-4272-ac0a-342ac0edcb8c', enquiryReferenceCode: null },
});

testAdapter({
  adapter: cap,
  options,
  secret: 'CAP_API_KEY',
  lead,
  assertRequest(received) {
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/cap/lead-submission/v1/external');
    expect(received.headers['x-api-key']).toBe('sandbox-cap-key');
    expect(received.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received.body)).toEqual({
      metadata: {
        campaignId: '966c7488-bfa7-45b5-8510-d26ba3008879',
        // UTC to the second.
        enquiryDateTime: '2026-11-23T10:20:59Z',
        externalReferenceId: '9cf5ae87-aafb-43e5-b4d3-9d72367a2b86',
        enquiryType: 'Test Drive',
        ipAddress: '203.0.113.7',
        enquirySource: { acquisitionChannel: 'Google' },
      },
      contactDetail: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        emailAddress: 'ada@example.com',
        phoneNumber: '+442087599036',
        address: { postcode: 'L3 9AG' },
      },
      // Ticked, unticked, unticked (never sent), and a channel the form does not ask about.
      optInConsents: { PhoneCall: true, Post: false, Email: false, Sms: null },
      vehicle: { name: 'Audi Q6 e-tron' },
    });
  },
  answers: [
    {
      name: '202 with its enquiry reference code',
      status: 202,
      body: SUCCESS,
      expected: { outcome: 'delivered', reference: 'ENQ-240912-AZGCM0F8', httpStatus: 202 },
    },
    {
      name: '400 with its messages',
      status: 400,
      body: FAILED,
      expected: { outcome: 'rejected', reason: 'ERROR_SPECIFIC_MESSAGE_HERE', httpStatus: 400 },
    },
    {
      name: '401 with its messages',
      status: 401,
      body: FAILED,
      expected: { outcome: 'rejected', reason: 'ERROR_SPECIFIC_MESSAGE_HERE', httpStatus: 401 },
    },
    {
      name: '401 without a body',
      status: 401,
      body: '',
      expected: { outcome: 'rejected', reason: 'Unauthorised: the X-API-Key was refused', httpStatus: 401 },
    },
    {
      name: 'success false on a 202',
      status: 202,
      body: FAILED,
      expected: { outcome: 'rejected', reason: 'ERROR_SPECIFIC_MESSAGE_HERE', httpStatus: 202 },
    },
    { name: '500', status: 500, body: '', expected: { outcome: 'retryable', httpStatus: 500 } },
  ],
  wrongKeyExpected: { httpStatus: 401, reason: 'Unauthorized, invalid token.' },
  // Success is a 202 with a reference; an unreadable answer might be an enquiry taken or not.
  malformed200: 'retryable',
});

function contextFor(overrides: Partial<CapOptions> = {}) {
  return {
    options: capOptionsSchema.parse({ ...options, ...overrides }),
    baseUrl: baseUrlOf(cap),
    apiKey: env.CAP_API_KEY,
    signal: AbortSignal.timeout(1000),
  };
}

function lastBody() {
  return JSON.parse(sandbox.state.receivedBy('cap').at(-1)?.body ?? '{}');
}

describe('cap: the simulator checks what the document asks', () => {
  it('answers 202 with a reference code dated like the enquiry', async () => {
    const result = await cap.deliver(lead, contextFor());
    expect(result).toMatchObject({ outcome: 'delivered', httpStatus: 202 });
    expect(result.outcome === 'delivered' && result.reference).toMatch(/^ENQ-261123-[A-Z0-9]{8}$/);
  });

  it('refuses missing contact details with 400 and a message per property', async () => {
    const incomplete = { ...lead, fields: { ...lead.fields, firstName: '', email: '' } };
    const result = await cap.deliver(incomplete, contextFor());
    expect(result).toMatchObject({
      outcome: 'rejected',
      httpStatus: 400,
      reason: "'First Name' must not be empty.; 'Email Address' must not be empty.",
    });
  });

  it('refuses a phone number without a +44 or 0 prefix', async () => {
    const abroad = { ...lead, fields: { ...lead.fields, phone: '+12025550143' } };
    const result = await cap.deliver(abroad, contextFor());
    expect(result).toMatchObject({ outcome: 'rejected', reason: "'Phone Number' must start with +44 or 0." });
  });

  it('sends null for a missing phone, postcode and address, and every consent unasked', async () => {
    const sparse: CanonicalLead = {
      ...lead,
      fields: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', vehicle: 'Audi Q4 e-tron' },
      ip: null,
    };
    expect(await cap.deliver(sparse, contextFor({ consents: {} }))).toMatchObject({ outcome: 'delivered' });
    const body = lastBody();
    expect(body.metadata.ipAddress).toBeNull();
    expect(body.contactDetail).toMatchObject({ phoneNumber: null, address: { postcode: null } });
    expect(body.optInConsents).toEqual({ PhoneCall: null, Post: null, Email: null, Sms: null });
  });

  it('takes the acquisition channel from the option when the lead has no utm_source', async () => {
    const direct = { ...lead, context: {} };
    await cap.deliver(direct, contextFor({ acquisitionChannel: 'Dealer website' }));
    expect(lastBody().metadata.enquirySource).toEqual({ acquisitionChannel: 'Dealer website' });
  });
});

describe('cap: options', () => {
  it('refuses an enquiry type the document does not list', () => {
    expect(capOptionsSchema.safeParse({ ...options, enquiryType: 'Brochure' }).success).toBe(false);
  });

  it('refuses a campaign id that is not a GUID', () => {
    expect(capOptionsSchema.safeParse({ ...options, campaignId: 'summer-2026' }).success).toBe(false);
  });
});

describe('cap: phones', () => {
  const form = {
    id: 'cap-abroad',
    title: 'Book a test drive',
    allowedOrigins: ['https://dealer.example'],
    fields: [
      { name: 'firstName', type: 'text', label: 'First name', required: true },
      { name: 'lastName', type: 'text', label: 'Last name', required: true },
      { name: 'email', type: 'email', label: 'Email', required: true },
      { name: 'vehicle', type: 'text', label: 'Model', required: true },
      { name: 'phone', type: 'tel', label: 'Phone', required: false, countries: ['GB', 'IE'] },
    ],
    destinations: [{ provider: 'cap', options }],
  };

  it('takes UK numbers only ("+44 or 0"), so a form whose phone takes others is refused at start-up', () => {
    expect(cap.phoneCountries).toEqual(['GB']);
    expect(() => parseForms([form])).toThrow(
      /cap-abroad\.json: destinations\.0: cap takes phone numbers of GB \(\+44\) only, and field "phone" takes IE \(\+353\)/,
    );
    const ukOnly = { ...form, fields: form.fields.map((f) => (f.name === 'phone' ? { ...f, countries: ['GB'] } : f)) };
    expect(parseForms([ukOnly])).toHaveLength(1);
  });
});
