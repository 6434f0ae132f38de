/**
 * @module Per-form, per-address rate limits in Durable Objects, which count consistently across every
 * edge location without a shared store. Addresses are spread over a fixed number of objects per form
 * (by a hash of the address), each keeping a sliding minute per address: far fewer objects than one
 * per address, so a new visitor does not pay for creating one, and still no single hot object.
 */
import { DurableObject } from 'cloudflare:workers';

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

/** Objects per form: enough to spread a burst, few enough that most visitors find theirs running. */
const SHARDS = 16;
const WINDOW_MS = 60_000;

export class RateLimiter extends DurableObject<Env> {
  private readonly hits = new Map<string, number[]>();

  /** Counts one request from `client`; refuses it when `limit` were already counted in the last minute. */
  async hit(client: string, limit: number): Promise<RateDecision> {
    const now = Date.now();
    const recent = (this.hits.get(client) ?? []).filter((t) => t > now - WINDOW_MS);
    if (recent.length >= limit) {
      this.hits.set(client, recent);
      const oldest = recent[0] ?? now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)) };
    }
    recent.push(now);
    this.hits.set(client, recent);
    if (this.hits.size > 10_000) this.forgetIdle(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** Addresses with nothing in the last minute no longer matter; dropping them bounds the memory. */
  private forgetIdle(now: number): void {
    for (const [client, times] of this.hits) {
      if ((times.at(-1) ?? 0) <= now - WINDOW_MS) this.hits.delete(client);
    }
  }
}

function shardOf(client: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < client.length; i++) hash = Math.imul(hash ^ client.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SHARDS;
}

export async function checkRateLimit(env: Env, formId: string, client: string, limit: number): Promise<RateDecision> {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${formId}:${shardOf(client)}`));
  return stub.hit(client, limit);
}
