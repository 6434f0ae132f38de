import { describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../../demo/sandbox/keys.ts';
import { admin, countInShards, relay } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface DryRun {
  formId: string;
  destinations: { provider: string; ok: boolean; message: string }[];
}

function dryRun(formId: string, fields: unknown): Promise<Response> {
  return admin(`/forms/${formId}/test`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fields }),
  });
}

const grace = {
  firstName: 'Grace',
  lastName: 'Hopper',
  email: 'grace.dry@example.com',
  phone: '07840 258844',
  company: 'Hopper Motors Ltd',
  postcode: 'sw1a 1aa',
  address: '1 Horse Guards Road, London',
  vehicle: 'Audi Q4 e-tron',
  message: 'Just checking.',
};

describe('POST /v1/admin/forms/:formId/test', () => {
  it('runs each destination dry, the dialler in its own test mode, and creates nothing', async () => {
    const received = sandbox.state.received.length;
    const leads = await countInShards('leads');
    const response = await dryRun('demo-all', grace);
    expect(response.status).toBe(200);
    const body = (await response.json()) as DryRun;
    expect(body.destinations.map((d) => [d.provider, d.ok])).toEqual([
      ['takepayments', true],
      ['dialler', true],
      ['cap', true],
      ['getlead', true],
    ]);
    expect(body.destinations[0]?.message).toMatch(
      /^would POST \/takepayments\/umbraco\/api\/PartnerLeadsApi\/Insert \(\d+ bytes\)/,
    );
    expect(body.destinations[1]?.message).toContain('test mode');
    // Only the dialler was called, in test mode; nothing was stored here.
    const calls = sandbox.state.received.slice(received);
    expect(calls.map((r) => r.provider)).toEqual(['dialler']);
    expect(JSON.parse(calls[0]?.body ?? '{}')).toMatchObject({ test: 'true', email: 'grace.dry@example.com' });
    const after = await countInShards('leads');
    expect(after).toBe(leads);
  });

  it('never shows a key, even one in the request path', async () => {
    const response = await dryRun('demo-getlead', {
      firstName: 'Priya',
      lastName: 'Nair',
      email: 'priya.dry@example.com',
      phone: '07840 258843',
      company: 'Nair & Daughters Ltd',
      purpose: 'Phone system',
      message: 'Six handsets by March.',
    });
    const text = await response.text();
    expect(text).toContain('"ok":true');
    for (const secret of Object.values(SANDBOX_SECRETS)) expect(text).not.toContain(secret);
  });

  it('says what the adapter’s own checks refuse', async () => {
    sandbox.state.addFault('dialler', {
      fault: { kind: 'status', status: 422, body: '{"email":{"0":"Email cannot be blank."}}' },
      times: 1,
    });
    const response = await dryRun('demo-dialler', {
      firstName: 'John',
      lastName: 'Doe',
      email: 'john.dry@example.com',
      phone: '07840 258841',
      vehicleMake: 'Ford',
      vehicleModel: 'Focus',
      service: 'Full valet',
      postcode: 'ls1 4ap',
      address: '1 Park Row, Leeds',
    });
    const body = (await response.json()) as DryRun;
    expect(body.destinations).toEqual([
      { provider: 'dialler', ok: false, message: expect.stringContaining('Email cannot be blank') },
    ]);
  });

  it('checks the answers as a lead’s, naming the field and the rule', async () => {
    const response = await dryRun('demo-all', { ...grace, email: 'not-an-email' });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { issues: { path: string; rule: string }[] } };
    expect(error.issues).toEqual([expect.objectContaining({ path: 'fields.email', rule: 'email' })]);
  });

  it('answers 404 form_not_found for an unknown form, and 401 without the token', async () => {
    expect((await dryRun('no-such-form', grace)).status).toBe(404);
    const anonymous = await relay('/v1/admin/forms/demo-all/test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: grace }),
    });
    expect(anonymous.status).toBe(401);
  });
});
