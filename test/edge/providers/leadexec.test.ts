import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Answer,
  acceptOffer,
  checkDuplicate,
  deliveryResultOf,
  insertCallLead,
  insertCallTransfer,
  insertLead,
  insertLeadWithSends,
  type LeadExecCall,
  type LeadExecOptions,
  type LeadExecOutcome,
  leadExecFields,
  leadExecOptionsSchema,
  leadexec,
  parseAcceptOfferResponse,
  parseDuplicateResponse,
  parseLeadResponse,
  parsePingResponse,
  parseSendsResponse,
  parseStatusResponse,
  parseTransferResponse,
  RESPONSE_TYPES,
  requestIdOf,
  requestStatus,
  sendPing,
  updateLead,
} from '../../../edge/providers/leadexec/index.ts';
import type { CanonicalLead } from '../../../edge/providers/types.ts';
import acceptOfferJson from '../../fixtures/leadexec/accept-offer-response.json?raw';
import calldataJson from '../../fixtures/leadexec/calldata-response.json?raw';
import calldataXml from '../../fixtures/leadexec/calldata-response.xml?raw';
import duplicateJson from '../../fixtures/leadexec/duplicate-response.json?raw';
import duplicateXml from '../../fixtures/leadexec/duplicate-response.xml?raw';
import insertJson from '../../fixtures/leadexec/insert-response.json?raw';
import insertXml from '../../fixtures/leadexec/insert-response.xml?raw';
import pingJson from '../../fixtures/leadexec/ping-response.json?raw';
import pingXml from '../../fixtures/leadexec/ping-response.xml?raw';
import postJson from '../../fixtures/leadexec/post-response.json?raw';
import postXml from '../../fixtures/leadexec/post-response.xml?raw';
import sendsJson from '../../fixtures/leadexec/sends-response.json?raw';
import sendsXml from '../../fixtures/leadexec/sends-response.xml?raw';
import statusJson from '../../fixtures/leadexec/status-response.json?raw';
import transferJson from '../../fixtures/leadexec/transfer-response.json?raw';
import transferXml from '../../fixtures/leadexec/transfer-response.xml?raw';
import updateJson from '../../fixtures/leadexec/update-response.json?raw';
import { sandbox } from '../sandbox.ts';
import { baseUrlOf, type DocumentedAnswer, testAdapter } from './conformance.ts';

const KEY = String(env.LEADEXEC_API_KEY);
const FORMATS = ['json', 'xml'] as const;
const simulator = sandbox.simulators.leadexec;
const defaultSettings = { ...simulator.settings };

afterEach(() => {
  Object.assign(simulator.settings, defaultSettings);
});

function callWith(options: Partial<LeadExecOptions> = {}, apiKey = KEY): LeadExecCall {
  return {
    options: { ...leadExecOptionsSchema.parse({ vid: 101, lid: 202, aid: 303 }), ...options },
    baseUrl: baseUrlOf(leadexec),
    apiKey,
    signal: AbortSignal.timeout(2000),
  };
}

// The simulator remembers every lead for duplicate checks, so each test brings new people.
let people = 0;
function person(overrides: Record<string, string> = {}): Record<string, string> {
  people += 1;
  const n = String(people).padStart(4, '0');
  return {
    FirstName: 'Maria',
    LastName: 'Lopez',
    Email: `maria.lopez.${n}@example.com`,
    Phone: `+1415555${n}`,
    Address: '500 Market St',
    City: 'San Francisco',
    State: 'CA',
    Zip: '94105',
    ...overrides,
  };
}

function answered<Body>(outcome: LeadExecOutcome<Body>): Body {
  if (outcome.outcome !== 'answered') throw new Error(`expected an answer, got ${JSON.stringify(outcome)}`);
  return outcome.body;
}

function firstResult<Result>(outcome: LeadExecOutcome<Answer<Result>>): Result {
  const [result] = answered(outcome).results;
  if (!result) throw new Error('no result');
  return result;
}

function lastReceived() {
  const received = sandbox.state.receivedBy('leadexec').at(-1);
  if (!received) throw new Error('the simulator received nothing');
  return received;
}

// ---------------------------------------------------------------------------------------------
// The delivery path, through the shared conformance suite, once per format

function canonicalLead(id: string, fields: Record<string, string>): CanonicalLead {
  return {
    id,
    formId: 'demo-leadexec',
    fields,
    consent: { tcpa: true },
    context: {},
    ip: '203.0.113.7',
    userAgent: 'test',
    createdAt: '2026-11-23T10:00:00.000Z',
  };
}

const jsonLead = canonicalLead('lead-le-json', {
  firstName: 'Maria',
  lastName: 'Lopez',
  email: 'maria.lopez@example.com',
  phone: '+12125550101',
  address: '500 Market St',
  city: 'San Francisco',
  state: 'CA',
  zip: '94105',
  ownsHome: 'Yes',
  notForLeadExec: 'kept in the relay',
});

const xmlLead = canonicalLead('lead-le-xml', {
  firstName: 'Siobhan',
  lastName: "O'Brien & <Sons>",
  email: 'siobhan.obrien@example.com',
  phone: '+13125550102',
  address: '12 "Harbor" View',
  city: 'Chicago',
  state: 'IL',
  zip: '60601',
  ownsHome: 'No',
});

const suiteOptions = { vid: 101, lid: 202, aid: 303, sendDelay: 0.5, fieldMap: { HomeOwner: 'ownsHome' } };

/** One documented result, as JSON or XML, for the conformance suite's documented answers. */
function resultBody(
  format: 'json' | 'xml',
  result: { isValid: boolean; responseType: string; responseMessage: string; leadId?: number },
): string {
  const leadId = result.leadId ?? 0;
  if (format === 'json') {
    return JSON.stringify({
      requestId: 'req-1',
      results: [{ ...result, leadId, campaignId: 1234, isPendingReview: false, price: 0 }],
    });
  }
  return `<LeadReceiverResult xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/LeadExec.LeadReceiver.API.Models"><RequestId>req-1</RequestId><Results xmlns:d2p1="http://schemas.datacontract.org/2004/07/LeadImportService.Core.Classes"><d2p1:PostResponse><IsValid>${result.isValid}</IsValid><ResponseType>${result.responseType}</ResponseType><ResponseMessage>${result.responseMessage}</ResponseMessage><LeadIdentifier>${leadId}</LeadIdentifier><CampaignIdentifier>1234</CampaignIdentifier><IsPendingReview>false</IsPendingReview><Price>0</Price></d2p1:PostResponse></Results></LeadReceiverResult>`;
}

function documentedAnswers(format: 'json' | 'xml'): DocumentedAnswer[] {
  const refusals = RESPONSE_TYPES.filter((t) => t !== 'No_Error' && t !== 'Post_Over_Max');
  return [
    {
      name: 'No_Error',
      status: 200,
      body: resultBody(format, {
        isValid: true,
        responseType: 'No_Error',
        responseMessage: 'Lead was accepted',
        leadId: 123456789,
      }),
      expected: { outcome: 'delivered', reference: '123456789', httpStatus: 200 },
    },
    ...refusals.map((type) => ({
      name: type,
      status: 200,
      body: resultBody(format, { isValid: false, responseType: type, responseMessage: `Because ${type}` }),
      expected: { outcome: 'rejected' as const, reason: `${type}: Because ${type}`, httpStatus: 200 },
    })),
    {
      name: 'Post_Over_Max (a cap that lifts)',
      status: 200,
      body: resultBody(format, { isValid: false, responseType: 'Post_Over_Max', responseMessage: 'Daily cap reached' }),
      expected: { outcome: 'retryable', reason: 'Post_Over_Max: Daily cap reached' },
    },
    {
      name: 'isValid false with no responseType',
      status: 200,
      body: resultBody(format, { isValid: false, responseType: '', responseMessage: 'Not accepted' }),
      expected: { outcome: 'rejected', reason: 'Not accepted' },
    },
    {
      name: 'isValid true beside a failure type',
      status: 200,
      body: resultBody(format, { isValid: true, responseType: 'Duplicate_Lead', responseMessage: 'Seen before' }),
      expected: { outcome: 'rejected', reason: 'Duplicate_Lead: Seen before' },
    },
    {
      name: 'a 400 carrying a result',
      status: 400,
      body: resultBody(format, { isValid: false, responseType: 'Data_Errors', responseMessage: 'Zip is invalid' }),
      expected: { outcome: 'rejected', reason: 'Data_Errors: Zip is invalid', httpStatus: 400 },
    },
    { name: '401', status: 401, body: '', expected: { outcome: 'rejected', httpStatus: 401 } },
    { name: '403', status: 403, body: '', expected: { outcome: 'rejected', httpStatus: 403 } },
    {
      name: 'a 200 without results',
      status: 200,
      body:
        format === 'json'
          ? '{"requestId":"req-1","results":[]}'
          : '<LeadReceiverResult><RequestId>req-1</RequestId><Results/></LeadReceiverResult>',
      expected: { outcome: 'retryable' },
    },
  ];
}

describe('leadexec, JSON', () => {
  testAdapter({
    adapter: leadexec,
    options: suiteOptions,
    secret: 'LEADEXEC_API_KEY',
    lead: jsonLead,
    assertRequest(received) {
      expect(received.method).toBe('POST');
      expect(received.path).toBe('/leadexec/v2/insert/general');
      expect(received.headers['content-type']).toBe('application/json');
      expect(received.headers.accept).toBe('application/json');
      expect(received.headers['api-key']).toBe(KEY);
      expect(received.headers.authorization).toBeUndefined();
      expect(JSON.parse(received.body)).toEqual({
        source: { vid: 101, aid: 303, lid: 202, sendDelay: 0.5 },
        leads: [
          {
            properties: { reference: 'lead-le-json', noSell: false },
            fields: {
              FirstName: 'Maria',
              LastName: 'Lopez',
              Email: 'maria.lopez@example.com',
              Phone: '+12125550101',
              Address: '500 Market St',
              City: 'San Francisco',
              State: 'CA',
              Zip: '94105',
              HomeOwner: 'Yes',
            },
          },
        ],
      });
    },
    answers: documentedAnswers('json'),
    wrongKeyExpected: { httpStatus: 401 },
    // A 200 we cannot read may or may not have kept the lead.
    malformed200: 'retryable',
  });
});

describe('leadexec, XML', () => {
  testAdapter({
    adapter: leadexec,
    options: { ...suiteOptions, format: 'xml' },
    secret: 'LEADEXEC_API_KEY',
    lead: xmlLead,
    assertRequest(received) {
      expect(received.method).toBe('POST');
      expect(received.path).toBe('/leadexec/v2/insert/general');
      expect(received.headers['content-type']).toBe('application/xml');
      expect(received.headers.accept).toBe('application/xml');
      expect(received.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(received.headers['api-key']).toBeUndefined();
      expect(received.body).toBe(
        '<Leads vid="101" lid="202" aid="303" sendDelay="0.5"><Lead reference="lead-le-xml">' +
          '<FirstName>Siobhan</FirstName><LastName>O&apos;Brien &amp; &lt;Sons&gt;</LastName>' +
          '<Email>siobhan.obrien@example.com</Email><Phone>+13125550102</Phone>' +
          '<Address>12 &quot;Harbor&quot; View</Address><City>Chicago</City><State>IL</State><Zip>60601</Zip>' +
          '<HomeOwner>No</HomeOwner></Lead></Leads>',
      );
    },
    answers: documentedAnswers('xml'),
    wrongKeyExpected: { httpStatus: 401 },
    malformed200: 'retryable',
  });
});

describe('leadexec options', () => {
  it('need vid and lid, and an ivrNumber for call leads', () => {
    expect(leadExecOptionsSchema.safeParse({ lid: 1 }).success).toBe(false);
    const calldata = leadExecOptionsSchema.safeParse({ vid: 1, lid: 2, mode: 'calldata' });
    expect(calldata.error?.issues[0]?.path).toEqual(['ivrNumber']);
  });

  it('refuse a field name that is not a safe XML element name', () => {
    expect(leadExecOptionsSchema.safeParse({ vid: 1, lid: 2, fieldMap: { 'Bad Name': 'x' } }).success).toBe(false);
  });

  it('default to JSON, the general insert, no delay and a ping of state and ZIP only', () => {
    expect(leadExecOptionsSchema.parse({ vid: 1, lid: 2 })).toMatchObject({
      format: 'json',
      mode: 'general',
      sendDelay: 0,
      noSell: false,
      pingPost: false,
      pingFields: ['state', 'zip'],
    });
  });

  it('name the form fields a lead cannot go without', () => {
    expect(leadexec.requiredFields(leadExecOptionsSchema.parse({ vid: 1, lid: 2 }))).toEqual([
      'firstName',
      'lastName',
      'email',
      'phone',
      'zip',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Every endpoint against the simulator

describe('the simulator’s checks', () => {
  it('answers 401 to JSON carrying the key as a Bearer token, and to XML carrying it in api-key', async () => {
    const json = await fetch('http://sandbox.test/leadexec/v2/insert/general', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: '{}',
    });
    const xml = await fetch('http://sandbox.test/leadexec/v2/insert/general', {
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'api-key': KEY },
      body: '<Leads/>',
    });
    expect([json.status, xml.status]).toEqual([401, 401]);
  });

  for (const format of FORMATS) {
    describe(`(${format})`, () => {
      it('says Vendor_ID_Missing and LeadType_ID_Missing with HTTP 200', async () => {
        const noVid = await insertLead(callWith({ format, vid: 0 }), { fields: person() });
        expect(noVid).toMatchObject({ outcome: 'answered', httpStatus: 200 });
        expect(firstResult(noVid)).toMatchObject({ isValid: false, responseType: 'Vendor_ID_Missing' });
        const noLid = await insertLead(callWith({ format, lid: 0 }), { fields: person() });
        expect(deliveryResultOf(noLid)).toMatchObject({ outcome: 'rejected', reason: /^LeadType_ID_Missing/ });
      });

      it('says Data_Errors for a field its posting document requires, missing or malformed', async () => {
        simulator.settings.requiredFields = ['FirstName', 'LastName', 'Email', 'Phone', 'Zip'];
        const { Email: _, ...withoutEmail } = person();
        expect(firstResult(await insertLead(callWith({ format }), { fields: withoutEmail }))).toMatchObject({
          isValid: false,
          responseType: 'Data_Errors',
          responseMessage: 'Missing required field(s): Email',
        });
        const badEmail = await insertLead(callWith({ format }), { fields: person({ Email: 'not-an-email' }) });
        expect(firstResult(badEmail).responseType).toBe('Data_Errors');
      });

      it('says Duplicate_Lead for an email or a phone it has seen', async () => {
        const first = person();
        expect(deliveryResultOf(await insertLead(callWith({ format }), { fields: first }))).toMatchObject({
          outcome: 'delivered',
        });
        const sameEmail = await insertLead(callWith({ format }), { fields: { ...person(), Email: first.Email ?? '' } });
        const samePhone = await insertLead(callWith({ format }), { fields: { ...person(), Phone: first.Phone ?? '' } });
        for (const outcome of [sameEmail, samePhone]) {
          expect(deliveryResultOf(outcome)).toMatchObject({ outcome: 'rejected', reason: /^Duplicate_Lead/ });
        }
      });
    });
  }

  it('reads XML metacharacters back as they were sent', async () => {
    const fields = person({ Email: "ann&o'hara.bob@example.com", LastName: 'Smith & <Sons>' });
    expect(deliveryResultOf(await insertLead(callWith({ format: 'xml' }), { fields }))).toMatchObject({
      outcome: 'delivered',
    });
    expect(lastReceived().body).toContain('<Email>ann&amp;o&apos;hara.bob@example.com</Email>');
    // The simulator matched the decoded address: the JSON duplicate check finds it.
    const check = await checkDuplicate(callWith(), { Email: "ann&o'hara.bob@example.com" });
    expect(firstResult(check)).toMatchObject({ success: true, isDuplicate: true });
  });
});

describe.each(FORMATS)('insert general (%s)', (format) => {
  it('answers a leadId, read as the delivered reference, with our lead id as the LeadExec reference', async () => {
    const outcome = await insertLead(callWith({ format }), { fields: person(), reference: 'our-lead-1' });
    const result = firstResult(outcome);
    expect(result).toMatchObject({ isValid: true, responseType: 'No_Error', responseMessage: 'Lead was accepted' });
    expect(deliveryResultOf(outcome)).toEqual(
      expect.objectContaining({ outcome: 'delivered', reference: String(result.leadId) }),
    );
    const body = lastReceived().body;
    expect(body).toContain(format === 'json' ? '"reference":"our-lead-1"' : 'reference="our-lead-1"');
  });

  it('sends noSell and returnURL from configuration', async () => {
    await insertLead(callWith({ format, noSell: true, returnURL: 'https://relay.example.com/leadexec/done' }), {
      fields: person(),
    });
    const body = lastReceived().body;
    if (format === 'json') {
      const sent = JSON.parse(body);
      expect(sent.source.returnURL).toBe('https://relay.example.com/leadexec/done');
      expect(sent.leads[0].properties.noSell).toBe(true);
    } else {
      expect(body).toContain('returnURL="https://relay.example.com/leadexec/done"');
      expect(body).toContain('noSell="true"');
    }
  });
});

describe.each(FORMATS)('insert with sends (%s)', (format) => {
  it('answers each send’s client, redirect URL, result and price once the account is approved', async () => {
    simulator.settings.sendsApproved = true;
    const outcome = await insertLeadWithSends(callWith({ format, mode: 'sends' }), { fields: person() });
    expect(lastReceived().path).toBe('/leadexec/v2/insert/general');
    expect(firstResult(outcome)).toMatchObject({
      isValid: true,
      responseType: 'No_Error',
      sends: [
        {
          clientId: 501,
          clientName: 'Sunrise Solar Co',
          redirectURL: 'https://sunrise-solar.example/thanks',
          valid: true,
          price: 18,
        },
        { clientId: 502, clientName: 'Brightside Home Energy', redirectURL: '', valid: false, price: 0 },
      ],
    });
    if (format === 'xml') expect(outcome.response).toContain('<SendsReceiverResult');
  });

  it('answers no sends without the approval, and still delivers', async () => {
    const outcome = await insertLeadWithSends(callWith({ format, mode: 'sends' }), { fields: person() });
    expect(firstResult(outcome).sends).toEqual([]);
    expect(deliveryResultOf(outcome).outcome).toBe('delivered');
  });
});

describe.each(FORMATS)('call transfer (%s)', (format) => {
  it('posts to /v2/insert/transfer and answers the agent to transfer to', async () => {
    const outcome = await insertCallTransfer(callWith({ format, mode: 'transfer' }), { fields: person() });
    const received = lastReceived();
    expect([received.method, received.path]).toEqual(['POST', '/leadexec/v2/insert/transfer']);
    expect(firstResult(outcome).client).toEqual([
      { clientId: 501, clientName: 'Sunrise Solar Co', agentName: 'Dana Whitfield', agentPhone: '+18005550177' },
    ]);
  });

  it('is what a transfer destination delivers with', async () => {
    const lead = canonicalLead(`transfer-${format}`, {
      firstName: 'Ada',
      lastName: 'King',
      email: `ada.king.${format}@example.com`,
      phone: format === 'json' ? '+16175550111' : '+16175550112',
      zip: '02108',
    });
    const options = leadExecOptionsSchema.parse({ vid: 1, lid: 2, format, mode: 'transfer' });
    const result = await leadexec.deliver(lead, { ...callWith(options), options });
    expect(result.outcome).toBe('delivered');
    expect(lastReceived().path).toBe('/leadexec/v2/insert/transfer');
  });
});

describe.each(FORMATS)('call lead (%s)', (format) => {
  const call = { ivrNumber: 8005550199, callDuration: 184, callResult: 'Appointment set', callDate: '2026-11-23' };

  it('posts the call to /v2/insert/calldata as the document shows it', async () => {
    const outcome = await insertCallLead(callWith({ format, mode: 'calldata', ivrNumber: 8005550199 }), {
      fields: person(),
      reference: 'call-1',
      call,
    });
    expect(firstResult(outcome)).toMatchObject({ isValid: true, responseType: 'No_Error' });
    const received = lastReceived();
    expect(received.path).toBe('/leadexec/v2/insert/calldata');
    if (format === 'json') {
      expect(JSON.parse(received.body).leads[0].properties).toEqual({ reference: 'call-1', noSell: false, ...call });
    } else {
      expect(received.body).toContain(
        '<Lead reference="call-1"><IVRNumber>8005550199</IVRNumber><CallDuration>184</CallDuration>' +
          '<CallResult>Appointment set</CallResult><CallDate>2026-11-23</CallDate><FirstName>',
      );
    }
  });

  it('says Data_Errors without the call’s result', async () => {
    const outcome = await insertCallLead(callWith({ format }), {
      fields: person(),
      call: { ...call, callResult: '' },
    });
    expect(firstResult(outcome)).toMatchObject({ isValid: false, responseType: 'Data_Errors' });
  });

  it('is what a calldata destination delivers with, the call read from form fields', async () => {
    const lead = canonicalLead(`call-${format}`, {
      firstName: 'Ravi',
      lastName: 'Shah',
      email: `ravi.shah.${format}@example.com`,
      phone: format === 'json' ? '+17185550121' : '+17185550122',
      zip: '11201',
      callDuration: '95',
      callResult: 'Qualified',
    });
    const options = leadExecOptionsSchema.parse({ vid: 1, lid: 2, format, mode: 'calldata', ivrNumber: 8005550199 });
    expect(leadexec.requiredFields(options)).toEqual(expect.arrayContaining(['callDuration', 'callResult']));
    const result = await leadexec.deliver(lead, { ...callWith(options), options });
    expect(result.outcome).toBe('delivered');
    expect(lastReceived().body).toContain(format === 'json' ? '"callDuration":95' : '<CallDuration>95</CallDuration>');
  });
});

describe('a calldata destination', () => {
  it('refuses a call duration that is not a number of seconds before anything reaches LeadExec', async () => {
    const lead = canonicalLead('call-bad-duration', {
      firstName: 'Ravi',
      lastName: 'Shah',
      email: 'ravi.bad@example.com',
      phone: '+17185550123',
      zip: '11201',
      callDuration: 'about two minutes',
      callResult: 'Qualified',
    });
    const options = leadExecOptionsSchema.parse({ vid: 1, lid: 2, mode: 'calldata', ivrNumber: 8005550199 });
    const before = sandbox.state.receivedBy('leadexec').length;
    const result = await leadexec.deliver(lead, { ...callWith(options), options });
    expect(result).toMatchObject({ outcome: 'rejected', reason: /callDuration must be a number of seconds/ });
    expect(sandbox.state.receivedBy('leadexec')).toHaveLength(before);
  });
});

describe.each(FORMATS)('update (%s)', (format) => {
  it('puts new fields for a lead by its leadUID', async () => {
    const leadId = firstResult(await insertLead(callWith({ format }), { fields: person() })).leadId ?? 0;
    const outcome = await updateLead(callWith({ format }), { leadUID: leadId, fields: { City: 'Oakland' } });
    expect(firstResult(outcome)).toMatchObject({
      isValid: true,
      responseType: 'No_Error',
      responseMessage: 'Lead information updated',
      leadId,
    });
    const received = lastReceived();
    expect([received.method, received.path]).toEqual(['PUT', '/leadexec/v2/update']);
    if (format === 'json') {
      expect(JSON.parse(received.body)).toEqual({
        source: { vid: 101, lid: 202 },
        leads: [{ properties: { leadUID: leadId, processDelivery: false }, fields: { City: 'Oakland' } }],
      });
    } else {
      expect(received.body).toBe(
        `<Leads vid="101" lid="202"><Lead leadUID="${leadId}"><City>Oakland</City></Lead></Leads>`,
      );
    }
  });

  it('says Data_Errors for a lead it does not have', async () => {
    const outcome = await updateLead(callWith({ format }), { leadUID: 42, fields: { City: 'Oakland' } });
    expect(firstResult(outcome)).toMatchObject({ isValid: false, responseType: 'Data_Errors' });
  });
});

describe.each(FORMATS)('ping (%s)', (format) => {
  const options = leadExecOptionsSchema.parse({ vid: 101, lid: 202, aid: 303, format });

  it('sends only the ping fields and answers an order, its expiry and two offers with their TCPA texts', async () => {
    const fields = leadExecFields(
      { email: 'private@example.com', state: 'CA', zip: '94105', firstName: 'Maria' },
      options,
      options.pingFields,
    );
    expect(fields).toEqual({ State: 'CA', Zip: '94105' });
    const before = Date.now();
    const ping = firstResult(await sendPing(callWith(options), fields));
    const received = lastReceived();
    expect(received.path).toBe('/leadexec/v2/insert/ping');
    if (format === 'json') {
      expect(JSON.parse(received.body)).toEqual({
        source: { vid: 101, aid: 303, lid: 202 },
        leads: [{ properties: {}, fields: { State: 'CA', Zip: '94105' } }],
      });
    }
    expect(ping).toMatchObject({ willAccept: true, campaignId: 303, estimatedPayout: 24 });
    expect(ping.orderId).not.toBe('');
    const expiresIn = Date.parse(ping.orderExpiresOn) - before;
    expect(expiresIn).toBeGreaterThan(4 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(5 * 60_000 + 1000);
    expect(ping.offers).toHaveLength(2);
    for (const offer of ping.offers) {
      expect(offer.offerId).not.toBe('');
      expect(offer.companyName).not.toBe('');
      expect(offer.type).toMatch(/^(Monthly|Yearly)$/);
      expect(offer.tcpaInformation).toEqual({
        customTCPATextRequired: true,
        tcpaText: expect.stringContaining(offer.companyName),
        privacyURL: expect.stringMatching(/^https:\/\/.+\/privacy$/),
        termsURL: expect.stringMatching(/^https:\/\/.+\/terms$/),
      });
    }
  });

  it('will not accept a ZIP no buyer covers, nor a ping without vid', async () => {
    expect(firstResult(await sendPing(callWith(options), { Zip: '00000' }))).toMatchObject({
      willAccept: false,
      orderId: '',
      offers: [],
    });
    expect(firstResult(await sendPing(callWith({ ...options, vid: 0 }), { Zip: '94105' }))).toMatchObject({
      willAccept: false,
      response: 'Vendor_ID_Missing',
    });
  });
});

describe.each(FORMATS)('post (%s)', (format) => {
  async function order() {
    return firstResult(await sendPing(callWith({ format }), { State: 'CA', Zip: '94105' }));
  }

  it('inserts with the order id and the chosen offers, and answers those offers', async () => {
    const { orderId, offers } = await order();
    const chosen = offers.map((o) => o.offerId);
    const outcome = await insertLead(callWith({ format }), {
      fields: person(),
      reference: 'post-1',
      orderId,
      offerIds: chosen,
    });
    expect(deliveryResultOf(outcome).outcome).toBe('delivered');
    expect(firstResult(outcome).offers.map((o) => o.offerId)).toEqual(chosen);
    const received = lastReceived();
    expect(received.path).toBe('/leadexec/v2/insert/general');
    if (format === 'json') {
      expect(JSON.parse(received.body).leads[0].properties).toEqual({
        reference: 'post-1',
        noSell: false,
        orderId,
        offerIds: chosen,
      });
    } else {
      expect(received.body).toContain(`<Lead reference="post-1" offerids="${chosen.join('|')}" orderID="${orderId}">`);
    }
  });

  it('refuses an unknown order, an offer from another order, and an order used twice', async () => {
    const mine = await order();
    const theirs = await order();
    const post = (orderId: string, offerIds: string[]) =>
      insertLead(callWith({ format }), { fields: person(), orderId, offerIds });
    expect(firstResult(await post('no-such-order', []))).toMatchObject({
      isValid: false,
      responseType: 'Data_Errors',
      responseMessage: 'Order ID not found',
    });
    const foreign = await post(mine.orderId, [theirs.offers[0]?.offerId ?? '']);
    expect(firstResult(foreign)).toMatchObject({ isValid: false, responseMessage: /not in this order/ });
    expect(deliveryResultOf(await post(mine.orderId, [])).outcome).toBe('delivered');
    expect(firstResult(await post(mine.orderId, []))).toMatchObject({ responseMessage: /already been used/ });
  });

  it('refuses an expired order', async () => {
    simulator.settings.orderTtlMs = 1;
    const { orderId, offers } = await order();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const outcome = await insertLead(callWith({ format }), {
      fields: person(),
      orderId,
      offerIds: [offers[0]?.offerId ?? ''],
    });
    expect(firstResult(outcome)).toMatchObject({ isValid: false, responseMessage: 'Order ID has expired' });
  });
});

describe.each(FORMATS)('duplicate check (%s)', (format) => {
  it('finds a lead with the same email once it exists', async () => {
    const fields = person();
    const before = firstResult(await checkDuplicate(callWith({ format }), { Email: fields.Email ?? '' }));
    expect(before).toMatchObject({ success: true, isDuplicate: false });
    const leadId = firstResult(await insertLead(callWith({ format }), { fields })).leadId;
    const after = firstResult(await checkDuplicate(callWith({ format }), { Email: fields.Email ?? '' }));
    expect(after).toMatchObject({ success: true, isDuplicate: true, duplicateLeadId: leadId });
    expect(Date.parse(after.receivedOn)).not.toBeNaN();
    const received = lastReceived();
    expect(received.path).toBe('/leadexec/v2/duplicate/check');
    expect(received.headers[format === 'json' ? 'api-key' : 'authorization']).toContain(KEY);
  });

  it('needs the campaign id (aid), as the document says', async () => {
    const { aid: _, ...options } = callWith({ format }).options;
    const outcome = await checkDuplicate({ ...callWith(), options }, { Email: 'x@example.com' });
    expect(firstResult(outcome)).toMatchObject({ success: false, isDuplicate: false });
  });
});

describe.each(FORMATS)('request status (%s)', (format) => {
  it('answers the status of an insert’s request by its requestId', async () => {
    const insert = await insertLead(callWith({ format }), { fields: person() });
    const { requestId, results } = answered(insert);
    expect(insert.outcome === 'answered' && requestIdOf(insert.response)).toBe(requestId);
    const status = answered(await requestStatus(callWith({ format }), requestId));
    const received = lastReceived();
    expect([received.method, received.path, received.body]).toEqual(['GET', `/leadexec/v2/status/${requestId}`, '']);
    expect(status).toEqual({
      requestId,
      results: [
        {
          leadId: results[0]?.leadId,
          isValid: true,
          rejectionReason: '',
          campaignId: 303,
          dateReceived: expect.any(String),
          qualityControlDetails: {
            isPendingReview: false,
            dateOfReview: '',
            isQualityControlRejected: false,
            rejectionReason: '',
          },
          returnDetails: { isReturned: false, dateOfReturn: '', returnReason: '' },
        },
      ],
    });
  });

  it('is rejected for a request it never saw', async () => {
    expect(await requestStatus(callWith({ format }), 'no-such-request')).toMatchObject({
      outcome: 'rejected',
      httpStatus: 404,
    });
  });
});

describe.each(FORMATS)('accept offer (%s)', (format) => {
  it('records a presented offer as accepted, once', async () => {
    const { orderId, offers } = firstResult(await sendPing(callWith({ format }), { Zip: '94105' }));
    const offerId = offers[1]?.offerId ?? '';
    const post = await insertLead(callWith({ format }), { fields: person(), orderId, offerIds: [offerId] });
    const leadId = firstResult(post).leadId ?? 0;
    expect(answered(await acceptOffer(callWith({ format }), leadId, offerId))).toEqual({
      success: true,
      message: 'Offer accepted',
    });
    const received = lastReceived();
    expect([received.method, received.path]).toEqual(['PUT', `/leadexec/v2/leads/${leadId}/offers/${offerId}/accept`]);
    expect(answered(await acceptOffer(callWith({ format }), leadId, offerId)).message).toBe('Offer already accepted');
  });

  it('answers success false for an offer the lead was never shown', async () => {
    const leadId = firstResult(await insertLead(callWith({ format }), { fields: person() })).leadId ?? 0;
    expect(await acceptOffer(callWith({ format }), leadId, 'not-shown')).toMatchObject({
      outcome: 'answered',
      httpStatus: 404,
      body: { success: false },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The document's own example answers

function results<Result>(answer: Answer<Result> | undefined): Result[] {
  if (!answer) throw new Error('the example did not parse');
  return answer.results;
}

describe('the document’s example answers', () => {
  it('insert: JSON and XML read to the same results', () => {
    const json = results(parseLeadResponse(insertJson));
    expect(results(parseLeadResponse(insertXml))).toEqual(json);
    expect(json[0]).toEqual({
      isValid: true,
      responseType: '',
      responseMessage: '',
      leadId: 0,
      campaignId: 0,
      isPendingReview: false,
      price: 0,
      offers: [
        {
          offerId: '',
          companyName: '',
          companyPhoneNumber: '',
          name: '',
          description: '',
          type: 'Monthly',
          price: 0,
          url: '',
          tcpaInformation: { customTCPATextRequired: true, tcpaText: '', privacyURL: '', termsURL: '' },
        },
      ],
    });
    expect(parseLeadResponse(insertXml)?.requestId).toBe('929f4d31-5576-49b5-ae9b-606d94a475e2');
  });

  it('call lead and post: JSON and XML read to the same results', () => {
    expect(results(parseLeadResponse(calldataXml))).toEqual(results(parseLeadResponse(calldataJson)));
    expect(results(parseLeadResponse(postXml))).toEqual(results(parseLeadResponse(postJson)));
    expect(results(parseLeadResponse(postJson))).toHaveLength(2);
  });

  it('insert with sends: the same, though the XML example shows one send where the JSON shows two', () => {
    const json = results(parseSendsResponse(sendsJson));
    const xml = results(parseSendsResponse(sendsXml));
    expect(xml).toEqual(json.map((r) => ({ ...r, sends: r.sends.slice(0, 1) })));
    expect(xml[0]?.sends).toEqual([{ clientId: 0, clientName: '', redirectURL: '', valid: true, price: 0 }]);
  });

  it('call transfer: the XML example’s <Sends> read as the JSON’s clients (without agents)', () => {
    const json = results(parseTransferResponse(transferJson));
    const xml = results(parseTransferResponse(transferXml));
    expect(xml).toEqual(json.map((r) => ({ ...r, client: r.client.slice(0, 1) })));
  });

  it('ping: the same but for the placeholders the two examples fill differently', () => {
    const json = results(parsePingResponse(pingJson));
    const xml = results(parsePingResponse(pingXml));
    const comparable = ({ orderExpiresOn: _e, estimatedPayout: _p, response: _r, ...rest }: (typeof json)[number]) =>
      rest;
    expect(xml.map(comparable)).toEqual(json.map(comparable));
    expect(json[0]).toMatchObject({ orderExpiresOn: '2024-08-29T16:25:12Z', estimatedPayout: 0, response: '' });
    expect(xml[0]).toMatchObject({ orderExpiresOn: '0', estimatedPayout: undefined, response: '0' });
    expect(xml[0]?.offers[0]?.tcpaInformation?.customTCPATextRequired).toBe(true);
  });

  it('duplicate check: the same but for the placeholders the two examples fill differently', () => {
    const json = results(parseDuplicateResponse(duplicateJson));
    const xml = results(parseDuplicateResponse(duplicateXml));
    const comparable = ({ isDuplicate: _d, receivedOn: _r, ...rest }: (typeof json)[number]) => rest;
    expect(xml.map(comparable)).toEqual(json.map(comparable));
    expect(json[0]).toMatchObject({ success: true, isDuplicate: true, duplicateLeadId: 0 });
    // The XML example leaves IsDuplicate empty: read as no duplicate.
    expect(xml[0]).toMatchObject({ success: true, isDuplicate: false });
  });

  it('update, status and accept offer (JSON only in the document) read', () => {
    expect(results(parseLeadResponse(updateJson))).toHaveLength(2);
    expect(results(parseStatusResponse(statusJson))[0]).toMatchObject({
      leadId: 0,
      isValid: false,
      dateReceived: '2024-08-28T21:20:38.573Z',
      qualityControlDetails: { isQualityControlRejected: true, dateOfReview: '2024-08-28T21:20:41.117Z' },
      returnDetails: { isReturned: false, dateOfReturn: '' },
    });
    expect(parseAcceptOfferResponse(acceptOfferJson)).toEqual({ success: true, message: 'Offer accepted' });
  });
});

describe('XML answers are parsed without DTD processing', () => {
  const withDtd = (message: string) =>
    `<?xml version="1.0"?><!DOCTYPE LeadReceiverResult [<!ENTITY xxe "EXPANDED">]>
<LeadReceiverResult><RequestId>req-1</RequestId><Results><PostResponse><IsValid>false</IsValid><ResponseType>Data_Errors</ResponseType><ResponseMessage>${message}</ResponseMessage><LeadIdentifier>0</LeadIdentifier></PostResponse></Results></LeadReceiverResult>`;

  it('leaves an entity a DTD declares unexpanded', () => {
    const [result] = results(parseLeadResponse(withDtd('a &xxe; b')));
    expect(result?.responseMessage).toBe('a &xxe; b');
  });

  it('finds an answer declaring an external entity unreadable rather than fetch it', () => {
    const external = withDtd('&ext;').replace(']>', '<!ENTITY ext SYSTEM "file:///etc/passwd">]>');
    expect(parseLeadResponse(external)).toBeUndefined();
  });

  it('still decodes XML’s own entities and character references', () => {
    const [result] = results(parseLeadResponse(withDtd('Tom &amp; Jerry &lt;3 &#169; &#x2122;')));
    expect(result?.responseMessage).toBe('Tom & Jerry <3 © ™');
  });

  it('records the unexpanded text when a delivery meets one', async () => {
    sandbox.state.addFault('leadexec', { fault: { kind: 'status', status: 200, body: withDtd('&xxe;') }, times: 1 });
    const options = leadExecOptionsSchema.parse({ vid: 1, lid: 2, format: 'xml' });
    const result = await leadexec.deliver(canonicalLead('dtd-1', {}), { ...callWith(options), options });
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'Data_Errors: &xxe;' });
  });
});

describe('requestIdOf', () => {
  it('finds the request id in a stored JSON or XML answer, even cut short', () => {
    expect(requestIdOf('{"requestId": "abc-123", "results": [{"isVal')).toBe('abc-123');
    expect(requestIdOf('<LeadReceiverResult xmlns="x"><RequestId>def-456</RequestId><Results><d2p1:Po')).toBe(
      'def-456',
    );
    expect(requestIdOf('')).toBeUndefined();
  });
});
