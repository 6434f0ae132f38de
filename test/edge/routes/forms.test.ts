import { describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../../demo/sandbox/keys.ts';
import { publicFormSchema } from '../../../shared/form.ts';
import { PAGE_ORIGIN, relay } from '../helpers.ts';

describe('GET /v1/forms/:formId', () => {
  it('answers the public definition of demo-takepayments', async () => {
    const response = await relay('/v1/forms/demo-takepayments');
    expect(response.status).toBe(200);
    const form = publicFormSchema.parse(await response.json());
    expect(form.id).toBe('demo-takepayments');
    expect(form.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['firstName', 'lastName', 'email']));
    expect(form.fields.find((f) => f.name === 'email')).toMatchObject({
      type: 'email',
      required: true,
      maxLength: 200,
    });
    expect(form.steps.length).toBeGreaterThan(0);
    expect(form.textsVersion).toMatch(/^[0-9a-f]{16}$/);
  });

  it('never shows destinations, origins or any secret', async () => {
    const text = await (await relay('/v1/forms/demo-takepayments')).text();
    expect(text).not.toContain('destinations');
    expect(text).not.toContain('allowedOrigins');
    for (const secret of Object.values(SANDBOX_SECRETS)) expect(text).not.toContain(secret);
  });

  it('answers 404 form_not_found for an unknown form', async () => {
    const response = await relay('/v1/forms/no-such-form');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('form_not_found');
  });

  it('answers CORS for an allowed origin with exactly that origin', async () => {
    const response = await relay('/v1/forms/demo-takepayments', { headers: { origin: PAGE_ORIGIN } });
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
  });

  it('refuses a foreign origin with 403 origin_not_allowed', async () => {
    const response = await relay('/v1/forms/demo-takepayments', { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight from an allowed origin', async () => {
    const response = await relay('/v1/forms/demo-takepayments/leads', {
      method: 'OPTIONS',
      headers: { origin: PAGE_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect(response.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
  });
});
