/**
 * Times the relay's intake path (`app.fetch` for `POST /v1/forms/demo-takepayments/leads`: origin
 * check, JSON, rate limit in a Durable Object, zod validation, D1 write, queue send) inside workerd.
 * `GET /run?n=N&ips=fresh|shared|stub|limiter-object|limiter-binding|d1-only|queue-only` makes N leads in a row, never more than the rate limit allows
 * from one client IP, and returns each one's time by the runtime clock. `GET /clock` says whether that clock
 * moves during pure computation (workerd may hold it still between I/O, against Spectre timing).
 */
import { app } from 'lead-capture-relay-app';

export { RateLimiter } from 'lead-capture-relay-rate-limiter';

const BODY = JSON.stringify({
  fields: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  consent: { contact: true },
});
const MAX_LEADS_PER_CALL = 5000;

/** Leads per client address in `shared` mode: under the relay's 60 a minute. */
const LEADS_PER_IP = 50;

/**
 * `fresh`: every lead has an address no lead had, so each one creates its rate-limit Durable Object
 * (a new SQLite database locally). `shared`: 50 leads per address, so most find theirs already up.
 */
let leadsMade = 0;
function nextIp(mode: string): string {
  leadsMade += 1;
  const k = mode === 'shared' ? Math.floor(leadsMade / LEADS_PER_IP) : leadsMade;
  return `${mode === 'shared' ? 11 : 10}.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
}

type Limit = { limit(options: { key: string }): Promise<{ success: boolean }> };

/**
 * In-memory stand-ins for D1, the queue and the rate limiter (`ips=stub`): what is left is the
 * relay's own JavaScript, which is what Workers bills as CPU time (binding calls are I/O there).
 * `limiter-object` keeps the relay's own rate-limit Durable Object and `limiter-binding` puts the
 * Workers Rate Limiting binding in its place, D1 and the queue stubbed in both: the rate limit's
 * own cost, each way. `d1-only` and `queue-only` keep just that binding real: its own cost.
 */
function stubEnv(real: unknown, mode: string): unknown {
  const statement = {
    bind: () => statement,
    run: async () => ({ success: true, meta: {} }),
    first: async () => null,
    all: async () => ({ success: true, results: [] }),
  };
  const limiter = (hit: (client: string) => Promise<{ allowed: boolean; retryAfterSeconds: number }>) => ({
    idFromName: (name: string) => name,
    get: () => ({ hit }),
  });
  const binding = (real as { RATE_LIMIT: Limit }).RATE_LIMIT;
  const stubs: Record<string, unknown> = {};
  if (mode !== 'd1-only') {
    stubs.DB = {
      prepare: () => statement,
      batch: async (all: unknown[]) => all.map(() => ({ success: true, results: [] })),
    };
  }
  if (mode !== 'queue-only') stubs.DELIVERIES = { send: async () => {}, sendBatch: async () => {} };
  if (mode === 'stub' || mode === 'd1-only' || mode === 'queue-only') {
    stubs.RATE_LIMITER = limiter(async () => ({ allowed: true, retryAfterSeconds: 0 }));
  }
  if (mode === 'limiter-binding') {
    stubs.RATE_LIMITER = limiter(async (client) => ({
      allowed: (await binding.limit({ key: client })).success,
      retryAfterSeconds: 0,
    }));
  }
  return { ...(real as object), ...stubs };
}

async function run(n: number, mode: string, realEnv: unknown, ctx: unknown): Promise<Response> {
  const env = mode === 'fresh' || mode === 'shared' ? realEnv : stubEnv(realEnv, mode);
  const ms: number[] = [];
  const statuses: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const lead = new Request('http://127.0.0.1/v1/forms/demo-takepayments/leads', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'http://127.0.0.1:8080',
        'cf-connecting-ip': nextIp(mode),
      },
      body: BODY,
    });
    const start = performance.now();
    const response = await app.fetch(lead, env, ctx);
    await response.arrayBuffer();
    ms.push(performance.now() - start);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
  return Response.json({ ms, statuses });
}

/** A fixed piece of arithmetic with no I/O: a clock that moves shows it taking time. */
function clockProbe(): Response {
  const start = performance.now();
  let x = 0;
  for (let i = 0; i < 5_000_000; i++) x = (x * 31 + i) % 1_000_003;
  return Response.json({ ms: performance.now() - start, x });
}

export default {
  fetch(request: Request, env: unknown, ctx: unknown): Response | Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/clock') return clockProbe();
    if (url.pathname === '/run') {
      const n = Math.min(MAX_LEADS_PER_CALL, Math.max(1, Number(url.searchParams.get('n')) || 1));
      return run(n, url.searchParams.get('ips') ?? 'fresh', env, ctx);
    }
    return new Response('ok');
  },
};
