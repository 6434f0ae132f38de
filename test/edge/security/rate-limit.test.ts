import { describe, expect, it } from 'vitest';
import { rateLimitKey } from '../../../edge/security/rate-limiter.ts';
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

describe('the client a request is counted as', () => {
  it('is an IPv4 address as it is', () => {
    expect(rateLimitKey('198.51.100.7')).toBe('198.51.100.7');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    const block = '2001:db8:1:2::/64';
    for (const address of [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0DB8:0001:0002:0:0:0:9',
      '2001:db8:1:2:3::',
      '2001:db8:1:2::198.51.100.7',
    ]) {
      expect(rateLimitKey(address), address).toBe(block);
    }
    expect(rateLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(rateLimitKey('::1')).toBe('0:0:0:0::/64');
  });

  it('is the IPv4 address an IPv4-mapped IPv6 address maps', () => {
    expect(rateLimitKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(rateLimitKey('::FFFF:c633:6407')).toBe('198.51.100.7');
    expect(rateLimitKey('0:0:0:0:0:ffff:198.51.100.7')).toBe('198.51.100.7');
  });

  it('is what was written, for anything that is not an address', () => {
    for (const text of [
      'unknown',
      '1:2:3',
      '1::2::3',
      '::ffff:300.1.1.1',
      'gggg::1',
      '1:2:3:4:5:6:7:8:9',
      '12345::1',
    ]) {
      expect(rateLimitKey(text), text).toBe(text);
    }
  });
});
