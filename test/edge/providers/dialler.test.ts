import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  cancelDiallerLead,
  type DiallerOptions,
  dialler,
  diallerOptionsSchema,
  testDiallerLead,
} from '../../../edge/providers/dialler.ts';
import type { CanonicalLead, ProviderContext } from '../../../edge/providers/types.ts';
import { sandbox } from '../sandbox.ts';
import { baseUrlOf, testAdapter } from './conformance.ts';

const options = { type: 'motor-trade', subtype: 'valeter', delays: 600, dataFields: ['vehicleMake', 'address'] };

const lead: CanonicalLead = {
  id: 'lead-dialler-1',
  formId: 'demo-dialler',
  fields: {
    firstName: 'John',
    lastName: 'Doe',
    email: 'john.doe@example.com',
    phone: '+447840258823',
    vehicleMake: 'Ford',
    address: '123 Greenacre Road',
  },
  consent: {},
  context: {},
  ip: '203.0.113.7',
  userAgent: 'test',
  createdAt: '2026-11-23T10:00:00.000Z',
};

// The document's own example answers, as it prints them.
const SAVED = `{
"saved": true,
"processed": true
}`;

testAdapter({
  adapter: dialler,
  options,
  secret: 'DIALLER_API_KEY',
  lead,
  assertRequest(received) {
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/dialler/lead/add');
    expect(received.query).toEqual({ key: 'sandbox-dialler-key' });
    expect(received.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received.body)).toEqual({
      first_name: 'John',
      surname: 'Doe',
      // E.164 in, UK national form out, as the document's example sends it.
      mobile: '07840258823',
      email: 'john.doe@example.com',
      type: 'motor-trade',
      subtype: 'valeter',
      delays: 600,
      // A JSON string, not an object.
      data: '{"vehicleMake":"Ford","address":"123 Greenacre Road"}',
    });
  },
  answers: [
    { name: 'saved and processed', status: 200, body: SAVED, expected: { outcome: 'delivered', reference: lead.id } },
    {
      name: 'Existing Contact',
      status: 200,
      body: '{\n"saved": true,\n"processed": false,\n"error": "Existing Contact"\n}',
      expected: { outcome: 'rejected', reason: 'Existing Contact' },
    },
    {
      name: 'Another call is already scheduled',
      status: 200,
      body: '{\n"saved": true,\n"processed": false,\n"error": "Another call is already scheduled"\n}',
      expected: { outcome: 'rejected', reason: 'Another call is already scheduled' },
    },
    {
      name: 'Unknown Type',
      status: 200,
      body: '{\n"saved": true,\n"processed": false,\n"error": "Unknown Type"\n}',
      expected: { outcome: 'rejected', reason: 'Unknown Type' },
    },
    {
      name: 'a blank email field error',
      status: 400,
      body: '{\n"email": {\n"0": "Email cannot be blank."\n}\n}',
      expected: { outcome: 'rejected', reason: 'email: Email cannot be blank.', httpStatus: 400 },
    },
    {
      name: 'an invalid data field error',
      status: 400,
      body: '{\n"data": {\n"0": "Empty or invalid content of `data` field"\n}\n}',
      expected: { outcome: 'rejected', reason: 'data: Empty or invalid content of `data` field', httpStatus: 400 },
    },
    {
      name: '500 Internal Server Error',
      status: 500,
      body: 'If you get this error and believe your request is valid, please contact us.',
      expected: { outcome: 'retryable', httpStatus: 500 },
    },
  ],
  wrongKeyExpected: { httpStatus: 401, reason: 'Unauthorised: the key was refused' },
  // The document defines success by the body; an unreadable one might be a saved lead or not.
  malformed200: 'retryable',
});

function contextFor(overrides: Partial<DiallerOptions> = {}, apiKey = env.DIALLER_API_KEY) {
  return {
    options: diallerOptionsSchema.parse({ ...options, ...overrides }),
    baseUrl: baseUrlOf(dialler),
    apiKey,
    signal: AbortSignal.timeout(1000),
  } satisfies ProviderContext<DiallerOptions>;
}

/** The same person on another number, so each test meets the simulator's memory afresh. */
function leadOn(phone: string, fields: Record<string, string> = {}): CanonicalLead {
  return { ...lead, id: `lead-${phone}`, fields: { ...lead.fields, phone, ...fields } };
}

function lastBody(): Record<string, unknown> {
  return JSON.parse(sandbox.state.receivedBy('dialler').at(-1)?.body ?? '{}');
}

describe('dialler: the simulator gives every documented answer from realistic input', () => {
  it('refuses a second lead for a mobile whose call is still scheduled', async () => {
    const again = leadOn('+447700900101');
    expect(await dialler.deliver(again, contextFor())).toMatchObject({ outcome: 'delivered' });
    expect(await dialler.deliver(again, contextFor())).toMatchObject({
      outcome: 'rejected',
      reason: 'Another call is already scheduled',
    });
  });

  it('refuses a lead for a mobile that was already called as an Existing Contact', async () => {
    const called = leadOn('+447700900102');
    expect(await dialler.deliver(called, contextFor({ delays: 0 }))).toMatchObject({ outcome: 'delivered' });
    expect(await dialler.deliver(called, contextFor())).toMatchObject({
      outcome: 'rejected',
      reason: 'Existing Contact',
    });
  });

  it('refuses a type the dialler was not set up with as Unknown Type', async () => {
    const result = await dialler.deliver(leadOn('+447700900103'), contextFor({ type: 'time-share' }));
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'Unknown Type', httpStatus: 200 });
  });

  it('refuses a blank email with the documented field error', async () => {
    const result = await dialler.deliver(leadOn('+447700900104', { email: '' }), contextFor());
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'email: Email cannot be blank.', httpStatus: 400 });
  });

  it('leaves data out when none of its fields has an answer, since the dialler refuses it empty', async () => {
    const noData = leadOn('+447700900105', { vehicle: '', message: '' });
    const result = await dialler.deliver(noData, contextFor({ dataFields: ['vehicle', 'message'] }));
    expect(result).toMatchObject({ outcome: 'delivered' });
    expect(lastBody()).not.toHaveProperty('data');
  });

  it('answers 500 for its failing test number, which the adapter retries', async () => {
    const result = await dialler.deliver(leadOn('+447700900500'), contextFor());
    expect(result).toMatchObject({ outcome: 'retryable', httpStatus: 500 });
  });
});

describe('dialler: test mode', () => {
  it('checks a lead with "test": "true" and answers test ok without saving it', async () => {
    const dryRun = leadOn('+447700900111');
    expect(await testDiallerLead(dryRun, contextFor())).toMatchObject({ outcome: 'valid', httpStatus: 200 });
    expect(lastBody()).toMatchObject({ test: 'true', mobile: '07700900111', type: 'motor-trade' });
    // Nothing was saved, so the real lead is not a duplicate.
    expect(await dialler.deliver(dryRun, contextFor())).toMatchObject({ outcome: 'delivered' });
  });

  it('names the field a test-mode lead gets wrong', async () => {
    const result = await testDiallerLead(leadOn('+447700900112', { firstName: '' }), contextFor());
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'first_name: First Name cannot be blank.' });
  });

  it('reads the documented test answer as valid', async () => {
    sandbox.state.addFault('dialler', { fault: { kind: 'status', status: 200, body: '{\n"test": "ok"\n}' }, times: 1 });
    expect(await testDiallerLead(lead, contextFor())).toMatchObject({ outcome: 'valid' });
  });
});

describe('dialler: cancel', () => {
  it('cancels a scheduled lead by its type and mobile', async () => {
    const scheduled = leadOn('+447700900121');
    await dialler.deliver(scheduled, contextFor());
    expect(await cancelDiallerLead(scheduled, contextFor())).toMatchObject({ cancelled: true, httpStatus: 200 });
    const [received] = sandbox.state.receivedBy('dialler').slice(-1);
    expect(received?.path).toBe('/dialler/lead/cancel');
    expect(received?.query).toEqual({ key: 'sandbox-dialler-key' });
    // No "test" field, as the document says.
    expect(JSON.parse(received?.body ?? '{}')).toEqual({ type: 'motor-trade', mobile: '07700900121' });
  });

  it('says not found for a lead the dialler does not have', async () => {
    const result = await cancelDiallerLead(leadOn('+447700900122'), contextFor());
    expect(result).toMatchObject({ cancelled: false, warning: 'not found' });
  });

  it('says already processed once the call fell due', async () => {
    const called = leadOn('+447700900123');
    await dialler.deliver(called, contextFor({ delays: 0 }));
    expect(await cancelDiallerLead(called, contextFor())).toMatchObject({
      cancelled: false,
      warning: 'already processed',
    });
  });

  it('passes on the server errors its failing test numbers act out', async () => {
    const failsOnSave = leadOn('+447700900501');
    const failsOnCallGroup = leadOn('+447700900502');
    await dialler.deliver(failsOnSave, contextFor());
    await dialler.deliver(failsOnCallGroup, contextFor());
    expect(await cancelDiallerLead(failsOnSave, contextFor())).toMatchObject({ warning: 'server error (save)' });
    expect(await cancelDiallerLead(failsOnCallGroup, contextFor())).toMatchObject({
      cancelled: false,
      warning: 'server error (call group)',
    });
  });

  it('reports a refused key as not cancelled, without the key', async () => {
    const result = await cancelDiallerLead(lead, contextFor({}, 'wrong-key-zzz'));
    expect(result).toMatchObject({ cancelled: false, warning: 'Unauthorised: the key was refused', httpStatus: 401 });
    expect(result.response).not.toContain('wrong-key-zzz');
  });

  const documented = [
    { body: '{\n"cancelled": true\n}', expected: { cancelled: true } },
    { body: '{\n"cancelled": false,\n"warning": "not found"\n}', expected: { cancelled: false, warning: 'not found' } },
    {
      body: '{\n"cancelled": false,\n"warning": "already processed"\n}',
      expected: { cancelled: false, warning: 'already processed' },
    },
    {
      body: '{\n"cancelled": false,\n"warning": "server error (save)"\n}',
      expected: { cancelled: false, warning: 'server error (save)' },
    },
    {
      // Unquoted in the document: read as the string it means.
      body: '{\n"cancelled": false,\n"warning": server error (call group)\n}',
      expected: { cancelled: false, warning: 'server error (call group)' },
    },
  ];
  for (const { body, expected } of documented) {
    it(`reads the documented answer ${body.replace(/\n/g, ' ')}`, async () => {
      sandbox.state.addFault('dialler', { fault: { kind: 'status', status: 200, body }, times: 1 });
      expect(await cancelDiallerLead(lead, contextFor())).toMatchObject(expected);
    });
  }

  it('reports a 500 as not cancelled', async () => {
    sandbox.state.addFault('dialler', { fault: { kind: 'status', status: 500 }, times: 1 });
    expect(await cancelDiallerLead(lead, contextFor())).toMatchObject({ cancelled: false, warning: 'HTTP 500' });
  });
});
