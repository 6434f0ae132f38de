import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  assignGetleadDepartment,
  changeGetleadStatus,
  createGetleadDeal,
  createGetleadLead,
  createGetleadNote,
  createGetleadTask,
  type GetleadOptions,
  type GetleadResult,
  getlead,
  getleadOptionsSchema,
  splitE164,
} from '../../../edge/providers/getlead.ts';
import type { CanonicalLead } from '../../../edge/providers/types.ts';
import { sandbox } from '../sandbox.ts';
import { baseUrlOf, testAdapter } from './conformance.ts';

const options = {
  source: 'Website',
  staffName: 'Ajay',
  department: 'Sales',
  fieldMap: { feedback: 'message', purpose: 'purpose' },
  customFields: { postcode: 'postcode' },
};

const lead: CanonicalLead = {
  id: 'lead-getlead-1',
  formId: 'demo-getlead',
  fields: {
    firstName: 'Priya',
    lastName: 'Nair',
    email: 'priya.nair@example.com',
    phone: '+447840258823',
    company: 'Nair & Daughters Ltd',
    purpose: 'Phone system',
    postcode: 'M1 1AE',
    message: 'We need six handsets by March.',
  },
  consent: {},
  context: {},
  ip: '203.0.113.7',
  userAgent: 'test',
  createdAt: '2026-11-23T10:00:00.000Z',
};

// The document's own example answers.
const LEAD_ADDED = '{ "status": "success", "message": "Lead Added Successfully." }';
const CHECK_PARAMETERS_FAIL = '{ "status": "fail", "message": "Please check the parameters." }';
const CHECK_PARAMETERS_ERROR = '{ "status": "error", "message": "Please check the parameters." }';

testAdapter({
  adapter: getlead,
  options,
  secret: 'GETLEAD_TOKEN',
  lead,
  assertRequest(received) {
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/getlead/api/gl-website-contacts');
    // Parameters as a query string, as the document shows them; nothing in the body.
    expect(received.body).toBe('');
    expect(received.query).toEqual({
      token: 'gl_sandboxtoken',
      name: 'Priya Nair',
      email: 'priya.nair@example.com',
      countrycode: '44',
      mobileno: '7840258823',
      source: 'Website',
      feedback: 'We need six handsets by March.',
      company_name: 'Nair & Daughters Ltd',
      staff_name: 'Ajay',
      purpose: 'Phone system',
      department: 'Sales',
      postcode: 'M1 1AE',
    });
  },
  answers: [
    {
      name: 'success',
      status: 200,
      body: LEAD_ADDED,
      expected: { outcome: 'delivered', reference: lead.id, httpStatus: 200 },
    },
    {
      name: 'fail for a mobile number of the wrong length',
      status: 200,
      body: '{ "status": "fail", "message": "The mobileno must be between 8 and 14 digits." }',
      expected: { outcome: 'rejected', reason: 'The mobileno must be between 8 and 14 digits.', httpStatus: 200 },
    },
    {
      name: 'fail for parameters',
      status: 200,
      body: CHECK_PARAMETERS_FAIL,
      expected: { outcome: 'rejected', reason: 'Please check the parameters.', httpStatus: 200 },
    },
  ],
  // Getlead says no with HTTP 200 and a body status.
  wrongKeyExpected: { httpStatus: 200, reason: 'Please check the parameters.' },
  // Failures come back as 200 too, so an unreadable 200 tells us nothing.
  malformed200: 'retryable',
});

function contextFor(overrides: Partial<GetleadOptions> = {}, apiKey = env.GETLEAD_TOKEN) {
  return {
    options: getleadOptionsSchema.parse({ ...options, ...overrides }),
    baseUrl: baseUrlOf(getlead),
    apiKey,
    signal: AbortSignal.timeout(1000),
  };
}

function leadOn(phone: string, fields: Record<string, string> = {}): CanonicalLead {
  return { ...lead, id: `lead-${phone}`, fields: { ...lead.fields, phone, ...fields } };
}

const UNKNOWN = leadOn('+447700900199');

function received(index = -1) {
  return sandbox.state.receivedBy('getlead').at(index);
}

describe('getlead: phone numbers', () => {
  it('splits an E.164 number into its calling code and national number', () => {
    expect(splitE164('+447840258823')).toEqual({ countrycode: '44', mobile: '7840258823' });
    expect(splitE164('+919895912345')).toEqual({ countrycode: '91', mobile: '9895912345' });
    expect(splitE164('+12025550143')).toEqual({ countrycode: '1', mobile: '2025550143' });
    expect(splitE164('+353871234567')).toEqual({ countrycode: '353', mobile: '871234567' });
  });
});

describe('getlead: options', () => {
  it('refuses an additional field that would overwrite a documented parameter', () => {
    const result = getleadOptionsSchema.safeParse({ ...options, customFields: { mobileno: 'otherPhone' } });
    expect(result.success).toBe(false);
  });
});

describe('getlead: create lead', () => {
  it('refuses a mobile number outside 8 to 14 digits with the documented message', async () => {
    const result = await getlead.deliver(leadOn('+4412345'), contextFor());
    expect(result).toMatchObject({
      outcome: 'rejected',
      reason: 'The mobileno must be between 8 and 14 digits.',
      httpStatus: 200,
    });
  });

  it('refuses a lead without a source with the documented message', async () => {
    const result = await createGetleadLead(lead, { ...contextFor(), options: { ...contextFor().options, source: '' } });
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'Please check the parameters.' });
  });
});

describe('getlead: follow-ups, the steps a delivery brings with it', () => {
  it('makes a note of the consumer’s message and a call task, each a step of its own', () => {
    const { options: configured } = contextFor({
      followUps: [
        { kind: 'note', field: 'message' },
        { kind: 'task', name: 'Call back', category: 'call', description: 'Web enquiry' },
        { kind: 'status', status: 'Contacted' },
        { kind: 'deal', status: 'Open', name: 'Six handsets', amount: 1200 },
        { kind: 'department', department: 'Sales' },
      ],
    });
    expect(getlead.followUps?.(lead, configured)).toEqual([
      { kind: 'note', payload: { note: 'We need six handsets by March.' } },
      { kind: 'task', payload: { name: 'Call back', category: 'call', description: 'Web enquiry' } },
      { kind: 'status', payload: { status: 'Contacted' } },
      { kind: 'deal', payload: { status: 'Open', name: 'Six handsets', amount: 1200 } },
      { kind: 'department', payload: { department: 'Sales' } },
    ]);
    for (const step of getlead.followUps?.(lead, configured) ?? []) {
      expect(getlead.steps?.[step.kind]?.schema.safeParse(step.payload).success).toBe(true);
    }
  });

  it('makes no note when the consumer left its field empty', () => {
    const quiet = leadOn('+447840258823', { message: '' });
    const { options: configured } = contextFor({ followUps: [{ kind: 'note', field: 'message' }] });
    expect(getlead.followUps?.(quiet, configured)).toEqual([]);
  });

  it('creates only the lead when it delivers: no follow-up runs inside the lead’s attempt', async () => {
    const result = await getlead.deliver(lead, contextFor({ followUps: [{ kind: 'note', field: 'message' }] }));
    expect(result).toMatchObject({ outcome: 'delivered', reference: lead.id });
    expect(sandbox.state.receivedBy('getlead').map((r) => r.path)).toEqual(['/getlead/api/gl-website-contacts']);
  });

  it('runs a note step as Getlead documents the note, naming the lead by its phone', async () => {
    const note = getlead.steps?.note;
    const result = await note?.run(lead, { note: 'We need six handsets by March.' }, contextFor(), lead.id);
    expect(result).toMatchObject({ outcome: 'delivered', httpStatus: 200 });
    expect(received(0)?.query).toEqual({
      token: 'gl_sandboxtoken',
      note: 'We need six handsets by March.',
      countrycode: '44',
      mobile_no: '7840258823',
      email: 'priya.nair@example.com',
    });
  });

  it('says a refused step is rejected with Getlead’s message, and a server error retryable', async () => {
    const department = getlead.steps?.department;
    expect(await department?.run(lead, { department: 'Golf' }, contextFor(), lead.id)).toMatchObject({
      outcome: 'rejected',
      reason: 'Invalid department.',
    });
    sandbox.state.addFault('getlead', { fault: { kind: 'status', status: 503 }, times: 1 });
    expect(await department?.run(lead, { department: 'Sales' }, contextFor(), lead.id)).toMatchObject({
      outcome: 'retryable',
    });
  });
});

describe('getlead: each endpoint against the simulator', () => {
  it('creates a task with the document’s parameters', async () => {
    const result = await createGetleadTask(lead, contextFor(), {
      name: 'Send brochure',
      category: 'normal',
      assignedTo: 'Ajay',
    });
    expect(result).toMatchObject({ outcome: 'success', message: 'Task Added Successfully.' });
    expect(received()?.path).toBe('/getlead/api/gl-task-creation-api');
    expect(received()?.query).toEqual({
      token: 'gl_sandboxtoken',
      name: 'Send brochure',
      countrycode: '44',
      mobile_no: '7840258823',
      email: 'priya.nair@example.com',
      task_category_id: '1',
      assigned_to: 'Ajay',
    });
  });

  it('refuses a task without a name with the documented error', async () => {
    const result = await createGetleadTask(lead, contextFor(), { name: '', category: 'normal' });
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'Please check the parameters.' });
  });

  it('adds a note to a lead it knows, and answers Enquiry Not Found for one it does not', async () => {
    await createGetleadLead(lead, contextFor());
    expect(await createGetleadNote(lead, contextFor(), 'Called, no answer')).toMatchObject({
      outcome: 'success',
      message: 'Note Added Successfully.',
    });
    expect(received()?.path).toBe('/getlead/api/gl-note-creation-api');
    expect(await createGetleadNote(UNKNOWN, contextFor(), 'Hello')).toMatchObject({
      outcome: 'rejected',
      reason: 'Enquiry Not Found.',
    });
  });

  it('changes a lead’s status, answering as the document does', async () => {
    await createGetleadLead(lead, contextFor());
    // The document's status change answers with the note's message; so does the simulator.
    expect(await changeGetleadStatus(lead, contextFor(), 'Qualified')).toMatchObject({
      outcome: 'success',
      message: 'Note Added Successfully.',
    });
    expect(received()?.query).toMatchObject({ status: 'Qualified', countrycode: '44', mobile_no: '7840258823' });
    expect(await changeGetleadStatus(UNKNOWN, contextFor(), 'Qualified')).toMatchObject({
      outcome: 'rejected',
      reason: 'Enquiry Not Found.',
    });
  });

  it('creates a deal at the deal endpoint, not the task endpoint the document’s example shows', async () => {
    await createGetleadLead(lead, contextFor());
    const deal = { status: 'Open', name: 'Six handsets', amount: 1200, staffName: 'Ajay' };
    expect(await createGetleadDeal(lead, contextFor(), deal)).toMatchObject({
      outcome: 'success',
      message: 'Task Added Successfully.',
    });
    expect(received()?.path).toBe('/getlead/api/gl-deal-creation-api');
    expect(received()?.query).toEqual({
      token: 'gl_sandboxtoken',
      mobile: '7840258823',
      status: 'Open',
      deal_name: 'Six handsets',
      countrycode: '44',
      staff_name: 'Ajay',
      deal_amount: '1200',
    });
    expect(await createGetleadDeal(UNKNOWN, contextFor(), { status: 'Open' })).toMatchObject({
      outcome: 'rejected',
      reason: 'Please check the parameters.',
    });
  });

  it('assigns a lead’s number to a department with the token in the path', async () => {
    expect(await assignGetleadDepartment(lead, contextFor(), 'Sales')).toMatchObject({
      outcome: 'success',
      message: 'The source number has been assigned to the specified department.',
    });
    expect(received()?.path).toBe('/getlead/api/gl-department-vise-agent-assign/gl_sandboxtoken');
    expect(received()?.query).toEqual({ SourceNumber: '7840258823', department: 'Sales' });
  });

  it('refuses an unknown department, and a wrong token without repeating it', async () => {
    expect(await assignGetleadDepartment(lead, contextFor(), 'Golf')).toMatchObject({
      outcome: 'rejected',
      reason: 'Invalid department.',
    });
    const refused = await assignGetleadDepartment(lead, contextFor({}, 'gl_wrongtoken'), 'Sales');
    expect(refused).toMatchObject({ outcome: 'rejected', reason: 'Invalid token.' });
    expect(refused.response).not.toContain('gl_wrongtoken');
  });
});

describe('getlead: every documented answer of the extra endpoints', () => {
  type Call = () => Promise<GetleadResult>;
  const endpoints: { name: string; call: Call; success: string; errors: string[] }[] = [
    {
      name: 'create task',
      call: () => createGetleadTask(lead, contextFor(), { name: 'Call back', category: 'call' }),
      success: '{ "status": "success", "message": "Task Added Successfully." }',
      errors: [CHECK_PARAMETERS_ERROR],
    },
    {
      name: 'create note',
      call: () => createGetleadNote(lead, contextFor(), 'Note'),
      success: '{ "status": "success", "message": "Note Added Successfully." }',
      errors: ['{ "status": "error", "message": "Enquiry Not Found." }', CHECK_PARAMETERS_ERROR],
    },
    {
      name: 'status change',
      call: () => changeGetleadStatus(lead, contextFor(), 'Qualified'),
      success: '{ "status": "success", "message": "Note Added Successfully." }',
      errors: ['{ "status": "error", "message": "Enquiry Not Found." }', CHECK_PARAMETERS_ERROR],
    },
    {
      name: 'create deal',
      call: () => createGetleadDeal(lead, contextFor(), { status: 'Open' }),
      success: '{ "status": "success", "message": "Task Added Successfully." }',
      errors: [CHECK_PARAMETERS_ERROR],
    },
    {
      name: 'assign to department',
      call: () => assignGetleadDepartment(lead, contextFor(), 'Sales'),
      success: '{ "status": "success", "message": "The source number has been assigned to the specified department." }',
      errors: [
        '{ "status": "error", "message": "Error description (e.g., missing parameters, invalid department, etc.)." }',
      ],
    },
  ];
  for (const { name, call, success, errors } of endpoints) {
    it(`reads ${name}'s success and error answers`, async () => {
      sandbox.state.addFault('getlead', { fault: { kind: 'status', status: 200, body: success }, times: 1 });
      expect(await call()).toMatchObject({ outcome: 'success', message: JSON.parse(success).message });
      for (const body of errors) {
        sandbox.state.addFault('getlead', { fault: { kind: 'status', status: 200, body }, times: 1 });
        expect(await call()).toMatchObject({ outcome: 'rejected', reason: JSON.parse(body).message, httpStatus: 200 });
      }
    });
  }
});
