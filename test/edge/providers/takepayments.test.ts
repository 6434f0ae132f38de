import { describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../../demo/sandbox/keys.ts';
import { takepayments } from '../../../edge/providers/takepayments.ts';
import { sandbox } from '../sandbox.ts';
import { testAdapter } from './conformance.ts';

const lead = {
  id: 'lead-tp-1',
  formId: 'demo-takepayments',
  fields: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    company: 'Analytical Engines Ltd',
    postcode: 'SW1A 1AA',
    address: '12 St James’s Square, London',
    industry: 'Retail',
    message: 'x'.repeat(2500),
    customerReference: 'TPM1234',
  },
  consent: {},
  context: {},
  ip: '203.0.113.7',
  userAgent: 'test',
  createdAt: '2026-11-23T10:00:00.000Z',
};

testAdapter({
  adapter: takepayments,
  options: { externalLeadType: 'Warm Lead', hotTransfer: true, referrer: 'Jane Partner' },
  secret: 'TAKEPAYMENTS_API_KEY',
  lead,
  assertRequest(received) {
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/takepayments/umbraco/api/PartnerLeadsApi/Insert');
    expect(received.headers['content-type']).toBe('application/json');
    const body = JSON.parse(received.body);
    expect(body).toEqual({
      ID: 'lead-tp-1',
      ApiKey: 'sandbox-takepayments-key',
      FirstName: 'Ada',
      LastName: 'Lovelace',
      Email: 'ada@example.com',
      Company: 'Analytical Engines Ltd',
      Postcode: 'SW1A 1AA',
      Address: '12 St James’s Square, London',
      Industry: 'Retail',
      // Notes is cut to the document's 2000 characters rather than refused.
      Notes: 'x'.repeat(2000),
      // Spelled as the document spells it.
      ExistigCustomerReferenceNumber: 'TPM1234',
      ExternalLeadType: 'Warm Lead',
      Referrer: 'Jane Partner',
      HotTransfer: true,
    });
  },
  answers: [
    { name: '200 OK', status: 200, body: '', expected: { outcome: 'delivered', reference: 'lead-tp-1' } },
    {
      name: '400 with its note',
      status: 400,
      body: JSON.stringify({ note: 'The Email field is required.' }),
      expected: { outcome: 'rejected', reason: 'The Email field is required.', httpStatus: 400 },
    },
    { name: '401 Unauthorised', status: 401, body: '', expected: { outcome: 'rejected', httpStatus: 401 } },
  ],
  wrongKeyExpected: { httpStatus: 401 },
  // The document defines success by the status alone and shows no body.
  malformed200: 'delivered',
});

describe('cutting to the document’s limits', () => {
  it('cuts to whole characters within the limit, so an emoji across it is left out, never halved', async () => {
    const name = `${'a'.repeat(199)}😀b`;
    const result = await takepayments.deliver(
      { ...lead, id: 'lead-tp-emoji', fields: { ...lead.fields, firstName: name, lastName: `${'b'.repeat(198)}😀c` } },
      {
        options: takepayments.optionsSchema.parse({}),
        baseUrl: 'http://sandbox.test/takepayments',
        apiKey: SANDBOX_SECRETS.TAKEPAYMENTS_API_KEY,
        signal: AbortSignal.timeout(5000),
      },
    );
    expect(result).toMatchObject({ outcome: 'delivered' });
    const sent = JSON.parse(sandbox.state.receivedBy('takepayments').at(-1)?.body ?? '{}');
    expect(sent.FirstName).toBe('a'.repeat(199));
    expect(sent.LastName).toBe(`${'b'.repeat(198)}😀`);
    expect(sent.FirstName).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
