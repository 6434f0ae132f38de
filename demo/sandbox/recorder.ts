/**
 * @module What every simulator shares: a log of the requests it received (so the demo and the tests
 * can see exactly what reached a provider) and faults it can be told to act out.
 */
import type { Context, MiddlewareHandler } from 'hono';

export interface ReceivedRequest {
  provider: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  at: string;
  /** The fault this request met instead of an answer (`slow` still gets one). */
  fault?: Fault['kind'];
}

/** A fault a simulator acts out on its next `times` requests instead of answering normally. */
export type Fault =
  | { kind: 'status'; status: number; body?: string; retryAfter?: number }
  | { kind: 'hang' }
  | { kind: 'slow'; ms: number }
  | { kind: 'malformed' }
  /** The connection is dropped without an answer (in Node; inside workerd it hangs instead). */
  | { kind: 'drop' };

/**
 * Faults at random: each request meets one with probability `rate`, drawn from a seeded generator
 * so a run can be repeated: 500, 429 with Retry-After, a hang, a malformed body, a dropped connection.
 */
export interface Chaos {
  rate: number;
  seed: number;
}

/** mulberry32: a small, well-known seeded generator; enough to repeat a run, not for secrets. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHAOS_FAULTS: Fault[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 429, retryAfter: 1 },
  { kind: 'hang' },
  { kind: 'malformed' },
  { kind: 'drop' },
];

export interface FaultPlan {
  fault: Fault;
  times: number;
  /** Only requests whose path ends with this meet the fault (one endpoint of a provider). Default: all. */
  path?: string;
}

export class SandboxState {
  readonly received: ReceivedRequest[] = [];
  /** What the relay posted to its alert webhook (`ALERT_WEBHOOK_URL` pointing at the sandbox). */
  readonly alerts: unknown[] = [];
  private readonly faults = new Map<string, FaultPlan[]>();
  private chaos: { rate: number; random: () => number } | undefined;

  /** Faults at random from now on (see Chaos); a rate of 0 stops them. */
  setChaos({ rate, seed }: Chaos): void {
    this.chaos = rate > 0 ? { rate, random: seeded(seed) } : undefined;
  }

  receivedBy(provider: string): ReceivedRequest[] {
    return this.received.filter((r) => r.provider === provider);
  }

  addFault(provider: string, plan: FaultPlan): void {
    this.faults.set(provider, [...(this.faults.get(provider) ?? []), plan]);
  }

  /** The fault to act out now on a request to this path, if any; counts it down. */
  takeFault(provider: string, path: string): Fault | undefined {
    const plans = this.faults.get(provider);
    const plan = plans?.find((p) => p.path === undefined || path.endsWith(p.path));
    if (!plans || !plan) {
      if (!this.chaos || this.chaos.random() >= this.chaos.rate) return undefined;
      return CHAOS_FAULTS[Math.floor(this.chaos.random() * CHAOS_FAULTS.length)];
    }
    plan.times -= 1;
    if (plan.times <= 0) plans.splice(plans.indexOf(plan), 1);
    return plan.fault;
  }

  /** Forgets the faults still planned; what was received stays. */
  clearFaults(): void {
    this.faults.clear();
  }

  reset(): void {
    this.received.length = 0;
    this.alerts.length = 0;
    this.faults.clear();
    this.chaos = undefined;
  }
}

/** Logs each request and acts out a planned fault before the simulator sees it. */
export const recordAndMisbehave =
  (state: SandboxState, provider: string): MiddlewareHandler =>
  async (c, next) => {
    const url = new URL(c.req.url);
    const received: ReceivedRequest = {
      provider,
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(c.req.raw.headers),
      body: await c.req.raw.clone().text(),
      at: new Date().toISOString(),
    };
    state.received.push(received);
    const fault = state.takeFault(provider, url.pathname);
    if (!fault) return next();
    received.fault = fault.kind;
    return actOut(fault, c, next);
  };

async function actOut(fault: Fault, c: Context, next: () => Promise<void>): Promise<Response | undefined> {
  switch (fault.kind) {
    case 'status': {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      return new Response(fault.body ?? JSON.stringify({ error: `simulated ${fault.status}` }), {
        status: fault.status,
        headers,
      });
    }
    case 'hang':
      // Never answers; the caller's timeout must end it.
      return new Promise<Response>(() => {});
    case 'slow':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      await next();
      return undefined;
    case 'malformed':
      return c.body('{"saved": tru', 200, { 'content-type': 'application/json' });
    case 'drop': {
      // @hono/node-server hands the Node request over as `incoming`: its socket closes unanswered.
      const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
      incoming?.socket?.destroy();
      return new Promise<Response>(() => {});
    }
  }
}
