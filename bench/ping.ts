/**
 * Ping overhead: `POST /v1/forms/demo-leadexec/ping` timed at the client, minus the time the
 * LeadExec simulator took for the relay's own upstream calls. The relay's LEADEXEC_BASE_URL points
 * at a pass-through proxy in this process, which times each upstream exchange from the relay's
 * request arriving to the simulator's answer being sent on; what is left is the relay's own work
 * (routing, validation, the adapter, any D1 work) plus one loopback hop.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { percentile } from './lib/stats.ts';
import { nextIp } from './relay-load.ts';

export const PING_PATH = '/v1/forms/demo-leadexec/ping';
const PINGS = 200;
const PING_BODY = JSON.stringify({
  fields: {
    zip: '90210',
    ownsHome: 'Yes',
    electricBill: '101-200',
    roofShade: 'None',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phone: '+14155550100',
    address: '1 Main Street',
    city: 'Beverly Hills',
    state: 'CA',
  },
});

export interface UpstreamProxy {
  port: number;
  /** Upstream exchange times (ms) since the last call, and starts a new list. */
  take: () => number[];
  close: () => void;
}

/** Forwards every request to the sandbox unchanged and times each exchange. */
export async function startUpstreamProxy(sandboxPort: number): Promise<UpstreamProxy> {
  let times: number[] = [];
  const server = createServer((incoming, outgoing) => {
    const start = performance.now();
    const upstream = httpRequest(
      { host: '127.0.0.1', port: sandboxPort, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
        answer.on('end', () => times.push(performance.now() - start));
      },
    );
    upstream.on('error', () => {
      outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    take() {
      const taken = times;
      times = [];
      return taken;
    },
    close: () => server.close(),
  };
}

export type PingOverhead = { p50: number; p99: number; relayP50: number; upstreamP50: number } | string;

export async function measurePing(relay: string, origin: string, proxy: UpstreamProxy): Promise<PingOverhead> {
  const ping = async () => {
    const start = performance.now();
    const response = await fetch(`${relay}${PING_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, 'cf-connecting-ip': nextIp() },
      body: PING_BODY,
    });
    const body = (await response.json()) as { error?: { code?: string } };
    return { ms: performance.now() - start, status: response.status, code: body.error?.code };
  };
  proxy.take();
  const first = await ping();
  if (first.status === 404 && first.code === 'not_found') return 'n/a (no ping route yet)';
  if (first.status !== 200) return `n/a (ping answered ${first.status} ${first.code ?? ''})`;
  const relayMs: number[] = [];
  const upstreamMs: number[] = [];
  const overhead: number[] = [];
  for (let i = 0; i < PINGS; i++) {
    proxy.take();
    const { ms, status } = await ping();
    if (status !== 200) return `n/a (ping ${i + 1} answered ${status})`;
    const upstream = proxy.take().reduce((a, b) => a + b, 0);
    relayMs.push(ms);
    upstreamMs.push(upstream);
    overhead.push(ms - upstream);
  }
  return {
    p50: percentile(overhead, 50),
    p99: percentile(overhead, 99),
    relayP50: percentile(relayMs, 50),
    upstreamP50: percentile(upstreamMs, 50),
  };
}
