import { describe, expect, it } from 'vitest';
import { backoffSeconds, deliverySettings, retryDelaySeconds } from '../../../edge/delivery/settings.ts';

const middle = () => 0.5;
const lowest = () => 0;
const highest = () => 0.999_999;

describe('the delivery backoff', () => {
  it('grows ×3 per attempt from the base until the 6 h ceiling, attempt by attempt', () => {
    const schedule = Array.from({ length: 11 }, (_, i) => backoffSeconds(i + 1, 120, middle));
    expect(schedule).toEqual([120, 360, 1080, 3240, 9720, 21_600, 21_600, 21_600, 21_600, 21_600, 21_600]);
  });

  it('spreads each delay by at most 20% either way, and uses the whole spread', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const raw = backoffSeconds(attempt, 120, middle);
      expect(backoffSeconds(attempt, 120, lowest)).toBe(Math.round(raw * 0.8));
      expect(backoffSeconds(attempt, 120, highest)).toBe(Math.round(raw * 1.2));
    }
    const seen = new Set(Array.from({ length: 200 }, () => backoffSeconds(3, 100, Math.random)));
    for (const delay of seen) expect(Math.abs(delay - 900)).toBeLessThanOrEqual(180);
    expect(seen.size).toBeGreaterThan(20);
  });

  it('never waits less than a second, whatever the base', () => {
    expect(backoffSeconds(1, 0.1, lowest)).toBe(1);
  });

  it('waits for a longer Retry-After, never beyond the queue’s 12 h', () => {
    expect(retryDelaySeconds(1, 120, 600, middle)).toBe(600);
    expect(retryDelaySeconds(3, 120, 600, middle)).toBe(1080);
    expect(retryDelaySeconds(2, 120, undefined, middle)).toBe(360);
    expect(retryDelaySeconds(1, 120, 86_400, middle)).toBe(43_200);
    expect(retryDelaySeconds(9, 120, undefined, highest)).toBe(25_920);
  });
});

describe('the delivery settings', () => {
  const env = (vars: Partial<Record<string, string>>) => vars as unknown as Env;

  it('defaults to 8 attempts, a 120 s first backoff and 10 s per attempt', () => {
    expect(deliverySettings(env({}))).toEqual({ maxAttempts: 8, backoffBaseSeconds: 120, timeoutMs: 10_000 });
  });

  it('clamps DELIVERY_MAX_ATTEMPTS to the 11 attempts the queue makes before dead-lettering', () => {
    expect(deliverySettings(env({ DELIVERY_MAX_ATTEMPTS: '50' })).maxAttempts).toBe(11);
    expect(deliverySettings(env({ DELIVERY_MAX_ATTEMPTS: '11' })).maxAttempts).toBe(11);
    expect(deliverySettings(env({ DELIVERY_MAX_ATTEMPTS: '4' })).maxAttempts).toBe(4);
  });

  it('ignores a value that is not a positive number', () => {
    const settings = deliverySettings(env({ DELIVERY_MAX_ATTEMPTS: '-3', DELIVERY_BACKOFF_SECONDS: 'soon' }));
    expect(settings.maxAttempts).toBe(8);
    expect(settings.backoffBaseSeconds).toBe(120);
    const edges = deliverySettings(
      env({ DELIVERY_MAX_ATTEMPTS: '0', DELIVERY_BACKOFF_SECONDS: 'Infinity', DELIVERY_TIMEOUT_MS: '' }),
    );
    expect(edges).toEqual({ maxAttempts: 8, backoffBaseSeconds: 120, timeoutMs: 10_000 });
  });
});
