import { describe, expect, it } from 'vitest';
import { postLead, validTakePaymentsLead } from '../helpers.ts';

describe('rate limits', () => {
  it('cut a burst from one address off with 429 rate_limited and Retry-After', async () => {
    const ip = '198.51.100.23';
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 65; i++) {
      const response = await postLead(
        'demo-takepayments',
        { ...validTakePaymentsLead, fields: { ...validTakePaymentsLead.fields } },
        { 'cf-connecting-ip': ip },
      );
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
      else await response.body?.cancel();
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(60);
    expect(statuses.slice(60)).toEqual([429, 429, 429, 429, 429]);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited?.json()) as { error: { code: string } } | undefined;
    expect(body?.error.code).toBe('rate_limited');
  });

  it('count each address on its own', async () => {
    const response = await postLead('demo-takepayments', validTakePaymentsLead, {
      'cf-connecting-ip': '198.51.100.24',
    });
    expect(response.status).toBe(202);
  });
});
