/**
 * Relay throughput and latency: `POST /v1/forms/demo-takepayments/leads` with autocannon at
 * concurrency 1, 10 and 50, a fixed number of requests each, against the relay and, level by level
 * under the same load, against the bare Hono worker (the ceiling). Every request has its own
 * `cf-connecting-ip`, so the relay's per-IP rate limit (60 leads a minute) does not answer instead.
 */
import autocannon from 'autocannon';
import { percentile } from './lib/stats.ts';

export const LEAD_BODY = JSON.stringify({
  fields: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  consent: { contact: true },
});
const LEADS_PATH = '/v1/forms/demo-takepayments/leads';
/** Requests per level: enough for a stable p99 at each, few enough to finish in seconds. */
export const LEVELS = [
  { connections: 1, amount: 400 },
  { connections: 10, amount: 2000 },
  { connections: 50, amount: 3000 },
] as const;
const WARM_UP = 100;

export interface LoadResult {
  connections: number;
  amount: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  /** Responses by status, and `errors` for connection errors and timeouts. */
  statuses: Record<string, number>;
}

/** A fresh client address per request across the whole run: 10.x.y.z from one counter. */
let addresses = 0;
export function nextIp(): string {
  addresses += 1;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

function leadHeaders(origin: string, ip: string): Record<string, string> {
  return { 'content-type': 'application/json', origin, 'cf-connecting-ip': ip };
}

async function load(url: string, origin: string, connections: number, amount: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections,
    amount,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: LEADS_PATH,
        body: LEAD_BODY,
        setupRequest: (request) => ({ ...request, headers: leadHeaders(origin, nextIp()) }),
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
  });
  const result = await instance;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  if (result.errors + result.timeouts > 0) statuses.errors = result.errors + result.timeouts;
  return {
    connections,
    amount,
    reqPerSec: result.requests.total / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
  };
}

export interface LoadComparison {
  relay: LoadResult[];
  bare: LoadResult[];
}

/** Alternates relay and bare worker level by level, so drifting machine noise hits both alike. */
export async function measureLoad(relay: string, bare: string, origin: string): Promise<LoadComparison> {
  await load(relay, origin, 10, WARM_UP);
  await load(bare, origin, 10, WARM_UP);
  const comparison: LoadComparison = { relay: [], bare: [] };
  for (const { connections, amount } of LEVELS) {
    comparison.bare.push(await load(bare, origin, connections, amount));
    comparison.relay.push(await load(relay, origin, connections, amount));
  }
  return comparison;
}

export interface RateLimitKey {
  /** Statuses of 61 leads sent with one `cf-connecting-ip`: the 61st should be 429. */
  sameIp: Record<string, number>;
  /** Statuses of 61 leads each with its own `cf-connecting-ip`: all 202 if the header is the key. */
  distinctIps: Record<string, number>;
}

/** Whether `wrangler dev` passes a client's `cf-connecting-ip` through as the rate limit's key. */
export async function checkRateLimitKey(relay: string, origin: string): Promise<RateLimitKey> {
  const send = async (ip: string) => {
    const response = await fetch(`${relay}${LEADS_PATH}`, {
      method: 'POST',
      headers: leadHeaders(origin, ip),
      body: LEAD_BODY,
    });
    await response.arrayBuffer();
    return response.status;
  };
  const count = (statuses: number[]) =>
    statuses.reduce<Record<string, number>>((acc, s) => {
      acc[s] = (acc[s] ?? 0) + 1;
      return acc;
    }, {});
  const same: number[] = [];
  for (let i = 0; i < 61; i++) same.push(await send('192.0.2.61'));
  const distinct: number[] = [];
  for (let i = 0; i < 61; i++) distinct.push(await send(nextIp()));
  return { sameIp: count(same), distinctIps: count(distinct) };
}
