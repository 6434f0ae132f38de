import { describe, expect, it } from 'vitest';
import { relay } from '../helpers.ts';

describe('GET /v1/health', () => {
  it('answers ok with the relay version', async () => {
    const response = await relay('/v1/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  it('marks every answer nosniff', async () => {
    expect((await relay('/v1/health')).headers.get('x-content-type-options')).toBe('nosniff');
    expect((await relay('/v1/nowhere')).headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers an unknown route with the error shape', async () => {
    const response = await relay('/v1/nowhere');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});
