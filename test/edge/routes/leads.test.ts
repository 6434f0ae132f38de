import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../../edge/index.ts';
import { dbOf } from '../../../edge/storage/shards.ts';
import { leadAcceptedSchema } from '../../../shared/lead.ts';
import { admin, countInShards, PAGE_ORIGIN, postLead, testClientIp, validTakePaymentsLead } from '../helpers.ts';

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; issues?: { path: string; rule: string }[] } }).error;
}

describe('POST /v1/forms/:formId/leads', () => {
  it('stores a valid lead in D1 and answers 202 with its deliveries', async () => {
    const response = await postLead('demo-takepayments', validTakePaymentsLead);
    expect(response.status).toBe(202);
    const body = leadAcceptedSchema.parse(await response.json());
    expect(body).toEqual({
      leadId: expect.any(String),
      status: 'accepted',
      deliveries: [{ provider: 'takepayments', status: 'pending' }],
    });
    const row = await dbOf(env, body.leadId)
      .prepare('SELECT form_id, fields, ip FROM leads WHERE id = ?')
      .bind(body.leadId)
      .first<{ form_id: string; fields: string; ip: string }>();
    expect(row?.form_id).toBe('demo-takepayments');
    expect(JSON.parse(row?.fields ?? '{}')).toMatchObject({ email: 'ada@example.com', postcode: 'SW1A 1AA' });
    expect(row?.ip).toMatch(/^2001:db8:/);
  });

  it('answers 400 invalid_json for a broken body', async () => {
    const response = await postLead('demo-takepayments', '{"fields": ');
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_json');
  });

  it('answers 415 unsupported_media_type for a form post', async () => {
    const response = await postLead('demo-takepayments', 'fields=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe('unsupported_media_type');
  });

  it('answers 413 payload_too_large for a body over 32 KiB', async () => {
    const response = await postLead('demo-takepayments', { ...validTakePaymentsLead, pad: 'x'.repeat(33 * 1024) });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
  });

  it('answers 404 form_not_found for an unknown form', async () => {
    const response = await postLead('no-such-form', validTakePaymentsLead);
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('form_not_found');
  });

  it('refuses a post without an Origin with 403 origin_not_allowed', async () => {
    const response = await postLead('demo-takepayments', validTakePaymentsLead, { origin: '' });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('origin_not_allowed');
  });

  it('names every missing required field', async () => {
    const response = await postLead('demo-takepayments', { fields: {}, consent: { contact: true } });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('validation_failed');
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'fields.firstName', rule: 'required' }),
        expect.objectContaining({ path: 'fields.lastName', rule: 'required' }),
        expect.objectContaining({ path: 'fields.email', rule: 'required' }),
      ]),
    );
  });

  it('rejects an email over 200 characters, naming the field and the rule', async () => {
    const email = `${'a'.repeat(190)}@example.com`;
    const response = await postLead('demo-takepayments', {
      ...validTakePaymentsLead,
      fields: { ...validTakePaymentsLead.fields, email },
    });
    const error = await errorOf(response);
    expect(error.issues).toContainEqual(
      expect.objectContaining({ path: 'fields.email', rule: 'max_length', limit: 200 }),
    );
  });

  it('counts characters after NFC normalisation', async () => {
    // 200 "é" written as e + combining accent is 400 code units but 200 characters once composed.
    const firstName = 'e\u0301'.repeat(200);
    const response = await postLead('demo-takepayments', {
      ...validTakePaymentsLead,
      fields: { ...validTakePaymentsLead.fields, firstName },
    });
    expect(response.status).toBe(202);
  });

  it('rejects a malformed email and an unknown field', async () => {
    const response = await postLead('demo-takepayments', {
      ...validTakePaymentsLead,
      fields: { ...validTakePaymentsLead.fields, email: 'not-an-email', shoeSize: '9' },
    });
    const error = await errorOf(response);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'fields.email', rule: 'email' }),
        expect.objectContaining({ path: 'fields.shoeSize', rule: 'unknown_field' }),
      ]),
    );
  });

  it('requires the form’s required consent', async () => {
    const response = await postLead('demo-takepayments', { ...validTakePaymentsLead, consent: {} });
    expect((await errorOf(response)).issues).toContainEqual(
      expect.objectContaining({ path: 'consent.contact', rule: 'required' }),
    );
  });

  it('refuses a __proto__ key', async () => {
    const response = await postLead(
      'demo-takepayments',
      '{"fields":{"firstName":"A","lastName":"B","email":"a@b.co","__proto__":{"x":1}},"consent":{"contact":true}}',
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).issues).toContainEqual(expect.objectContaining({ path: 'fields.__proto__' }));
  });

  it('gives the same lead for the same Idempotency-Key and body', async () => {
    const headers = { 'idempotency-key': 'retry-me-1' };
    const first = (await (await postLead('demo-takepayments', validTakePaymentsLead, headers)).json()) as {
      leadId: string;
    };
    const second = await postLead('demo-takepayments', validTakePaymentsLead, headers);
    expect(second.status).toBe(202);
    expect(((await second.json()) as { leadId: string }).leadId).toBe(first.leadId);
    const count = await countInShards('leads', 'idempotency_key = ?', 'retry-me-1');
    expect(count).toBe(1);
  });

  it('answers 409 idempotency_conflict for the same key with another body', async () => {
    const headers = { 'idempotency-key': 'retry-me-2' };
    await postLead('demo-takepayments', validTakePaymentsLead, headers);
    const response = await postLead(
      'demo-takepayments',
      { ...validTakePaymentsLead, fields: { ...validTakePaymentsLead.fields, firstName: 'Grace' } },
      headers,
    );
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe('idempotency_conflict');
  });

  it('answers a filled honeypot like a person but stores nothing', async () => {
    const before = await countInShards('leads');
    const response = await postLead('demo-takepayments', { ...validTakePaymentsLead, website: 'http://spam.example' });
    expect(response.status).toBe(202);
    const { leadId } = (await response.json()) as { leadId: string };
    const after = await countInShards('leads');
    expect(after).toBe(before);
    expect((await admin(`/leads/${leadId}`)).status).toBe(404);
  });

  it('answers concurrent identical requests with one key with the one lead they stored', async () => {
    const headers = { 'idempotency-key': `race-${crypto.randomUUID()}` };
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => postLead('demo-takepayments', validTakePaymentsLead, headers)),
    );
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { leadId: string }).leadId));
    expect(new Set(ids).size).toBe(1);
    const count = await countInShards('leads', 'idempotency_key = ?', headers['idempotency-key']);
    expect(count).toBe(1);
  });

  it('refuses every concurrent request with one key but another body than the one stored', async () => {
    const headers = { 'idempotency-key': `race-${crypto.randomUUID()}` };
    const names = ['Ada', 'Grace', 'Mary', 'Emmy', 'Hedy', 'Joan'];
    const responses = await Promise.all(
      names.map((firstName) =>
        postLead(
          'demo-takepayments',
          { ...validTakePaymentsLead, fields: { ...validTakePaymentsLead.fields, firstName } },
          headers,
        ),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409]);
    const conflicts = responses.filter((r) => r.status === 409);
    for (const conflict of conflicts) expect((await errorOf(conflict)).code).toBe('idempotency_conflict');
  });

  it('keeps a lead whose queue send failed, shows it failed, and replays it', async () => {
    const failingQueue = {
      send: () => Promise.reject(new Error('queue unavailable')),
      sendBatch: () => Promise.reject(new Error('queue unavailable')),
    };
    const request = new Request('http://relay.test/v1/forms/demo-takepayments/leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, 'cf-connecting-ip': testClientIp() },
      body: JSON.stringify(validTakePaymentsLead),
    });
    const ctx = createExecutionContext();
    const response = await worker.fetch(request, { ...env, DELIVERIES: failingQueue } as unknown as Env, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(202);
    const { leadId } = (await response.json()) as { leadId: string };

    const stored = (await (await admin(`/leads/${leadId}`)).json()) as {
      status: string;
      deliveries: { status: string; lastError: string | null }[];
    };
    expect(stored.status).toBe('failed');
    expect(stored.deliveries).toEqual([expect.objectContaining({ status: 'failed', lastError: 'queue send failed' })]);

    const replay = await admin(`/leads/${leadId}/replay`, { method: 'POST' });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ leadId, replayed: ['takepayments'] });
    const after = (await (await admin(`/leads/${leadId}`)).json()) as { deliveries: { status: string }[] };
    expect(after.deliveries[0]?.status).not.toBe('failed');
  });
});
