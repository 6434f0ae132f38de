/**
 * @module A Durable Object per form and client IP that counts leads in a sliding minute. One object
 * per key keeps the count consistent across every edge location without a shared store.
 */
import { DurableObject } from 'cloudflare:workers';

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

export class RateLimiter extends DurableObject<Env> {
  private hits: number[] = [];

  /** Counts one request; refuses it when `limit` were already counted in the last `windowMs`. */
  async hit(limit: number, windowMs = 60_000): Promise<RateDecision> {
    const now = Date.now();
    this.hits = this.hits.filter((t) => t > now - windowMs);
    if (this.hits.length >= limit) {
      const oldest = this.hits[0] ?? now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    this.hits.push(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }
}

export async function checkRateLimit(env: Env, key: string, limit: number): Promise<RateDecision> {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
  return stub.hit(limit);
}
