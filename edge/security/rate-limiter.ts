/**
 * @module Per-form, per-client rate limits in Durable Objects, which count consistently across every
 * edge location without a shared store. A client is an IPv4 address or an IPv6 /64 (`rateLimitKey`).
 * Clients are spread over a fixed number of objects per form (by a hash of the client), each keeping
 * a sliding minute per client: far fewer objects than one per client, so a new visitor does not pay
 * for creating one, and still no single hot object.
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

/** The eight 16-bit groups of an IPv6 address in any written form (`::`, a dotted-quad tail), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const quad = /:(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (quad) {
    const [a = 0, b = 0, c = 0, d = 0] = quad.slice(1).map(Number);
    if (Math.max(a, b, c, d) > 255) return undefined;
    text = `${text.slice(0, quad.index)}:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups.map((g) => Number.parseInt(g, 16)) : undefined;
}

/**
 * Who a request is counted as. An IPv4 address is one client. An IPv6 client is its /64: the block
 * a single home or device is given and can rotate through at will, so counting each address would
 * give it a fresh budget per request. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is the IPv4
 * client it maps. Anything else (Cloudflare always sets an address; a local run may not) counts as written.
 */
export function rateLimitKey(address: string): string {
  const groups = address.includes(':') ? ipv6Groups(address) : undefined;
  if (!groups) return address;
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** Counts one request from `address` (counted as its `rateLimitKey`) against `limit` a minute. */
export async function checkRateLimit(env: Env, formId: string, address: string, limit: number): Promise<RateDecision> {
  const client = rateLimitKey(address);
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${formId}:${shardOf(client)}`));
  return stub.hit(client, limit);
}
