/**
 * "No lead lost" under load. Starts the demo as `npm start` does (test/e2e/demo-server.ts), posts
 * 2,000 leads to demo-takepayments at concurrency 50 with autocannon, waits for the queue to drain,
 * then checks that every accepted lead is in D1 (admin API, paged) and that TakePayments received
 * each exactly once (the sandbox's log, counted by TakePayments `ID`, which is our lead id).
 * Prints leads/s, p50/p99 of the 202 answers, lost and duplicated; exits 1 if any was lost or
 * duplicated. A script, not a test: `npm run load`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SANDBOX_SECRETS } from '../demo/sandbox/keys.ts';
import { startDemo } from '../test/e2e/demo-server.ts';
import { fmt, percentile } from './lib/stats.ts';

const LEADS = 2000;
const CONNECTIONS = 50;
const FORM = 'demo-takepayments';
/** How long the queue may take to deliver everything before the leads left count as lost. */
const DRAIN_TIMEOUT_MS = 180_000;
/** After the last lead arrives, how long to keep watching for a late second delivery. */
const SETTLE_MS = 5_000;

const root = fileURLToPath(new URL('..', import.meta.url));
// demo/start.ts runs vite and wrangler by name, as `npm start` would find them.
process.chdir(root);
process.env.PATH = `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client address per request, from the benchmarking range 198.18.0.0/15: the relay allows 60
 * leads a minute per form and address, and wrangler dev passes a client's cf-connecting-ip through.
 */
function clientIp(n: number): string {
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

function leadBody(run: string, n: number): string {
  return JSON.stringify({
    fields: {
      firstName: 'Ada',
      lastName: `Lovelace ${n}`,
      email: `load-${run}-${n}@example.com`,
      company: 'Analytical Engines Ltd',
      postcode: 'SW1A 1AA',
      industry: 'Retail',
    },
    consent: { contact: true },
    context: { pageUrl: 'http://127.0.0.1/bench/load' },
  });
}

interface LoadRun {
  seconds: number;
  statuses: Map<string, number>;
  latencies202: number[];
  accepted: Set<string>;
}

async function postLeads(relay: string): Promise<LoadRun> {
  const run = Date.now().toString(36);
  const statuses = new Map<string, number>();
  const latencies202: number[] = [];
  const accepted = new Set<string>();
  let n = 0;
  const leadRequest = {
    method: 'POST',
    path: `/v1/forms/${FORM}/leads`,
    // Each request its own address and email, so none is rate-limited and each is a new lead.
    setupRequest: <R extends { headers?: Record<string, string>; body?: string }>(request: R): R => {
      n += 1;
      return {
        ...request,
        headers: { 'content-type': 'application/json', origin: relay, 'cf-connecting-ip': clientIp(n) },
        body: leadBody(run, n),
      };
    },
    // autocannon calls this with each answer's body; bench/autocannon.d.ts does not declare it.
    onResponse: (status: number, body: string) => {
      if (status === 202) accepted.add((JSON.parse(body) as { leadId: string }).leadId);
    },
  };
  const instance = autocannon({
    url: relay,
    connections: CONNECTIONS,
    amount: LEADS,
    timeout: 30,
    requests: [leadRequest],
  });
  instance.on('response', (_client, status, _bytes, responseTime) => {
    statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
    if (status === 202) latencies202.push(responseTime);
  });
  const result = await instance;
  if (result.errors + result.timeouts > 0) statuses.set('errors', result.errors + result.timeouts);
  return { seconds: result.duration, statuses, latencies202, accepted };
}

/** Lead id → how many times TakePayments was sent it. */
async function takePaymentsReceipts(sandbox: string): Promise<Map<string, number>> {
  const response = await fetch(`${sandbox}/_sandbox/received?provider=takepayments`);
  const received = (await response.json()) as { path: string; body: string }[];
  const counts = new Map<string, number>();
  for (const r of received) {
    if (!r.path.endsWith('/PartnerLeadsApi/Insert')) continue;
    const id = (JSON.parse(r.body) as { ID: string }).ID;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Every lead of the form in D1, with its status, through the admin API's cursor paging. */
async function leadsInD1(relay: string): Promise<Map<string, string>> {
  const leads = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ form: FORM, limit: '100', ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${relay}/v1/admin/leads?${query}`, {
      headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
    });
    if (!response.ok) throw new Error(`admin list answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { leads: { leadId: string; status: string }[]; nextCursor: string | null };
    for (const lead of page.leads) leads.set(lead.leadId, lead.status);
    cursor = page.nextCursor;
  } while (cursor);
  return leads;
}

/** Waits until TakePayments has every accepted lead, or the time is up; the milliseconds it took. */
async function waitForDrain(sandbox: string, accepted: ReadonlySet<string>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < DRAIN_TIMEOUT_MS) {
    const receipts = await takePaymentsReceipts(sandbox);
    if ([...accepted].every((id) => receipts.has(id))) return Date.now() - started;
    await sleep(500);
  }
  return Number.NaN;
}

function countBy<T>(values: Iterable<T>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

async function main(): Promise<number> {
  console.log('[load] starting the demo (widget build, D1 migrations, sandbox, wrangler dev)…');
  const demo = await startDemo();
  const stop = () => {
    void demo.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    console.log(`[load] relay ${demo.relay}, sandbox ${demo.sandbox}; ${LEADS} leads at concurrency ${CONNECTIONS}`);
    const load = await postLeads(demo.relay);
    const drainMs = await waitForDrain(demo.sandbox, load.accepted);
    await sleep(SETTLE_MS);
    const [receipts, inD1] = [await takePaymentsReceipts(demo.sandbox), await leadsInD1(demo.relay)];

    const accepted = [...load.accepted];
    const missingInD1 = accepted.filter((id) => !inD1.has(id));
    const undelivered = accepted.filter((id) => !receipts.has(id));
    const lost = new Set([...missingInD1, ...undelivered]);
    const duplicated = [...receipts].filter(([, count]) => count > 1);
    const strangers = [...receipts.keys()].filter((id) => !load.accepted.has(id));
    const answered = [...load.statuses.values()].reduce((a, b) => a + b, 0);

    console.log(`
answers            ${JSON.stringify(Object.fromEntries(load.statuses))} (${answered} of ${LEADS})
intake             ${fmt(load.accepted.size / load.seconds)} leads/s (${load.accepted.size} accepted in ${fmt(load.seconds, 2)} s)
202 latency        p50 ${fmt(percentile(load.latencies202, 50))} ms, p99 ${fmt(percentile(load.latencies202, 99))} ms
queue drained      ${Number.isNaN(drainMs) ? `not within ${DRAIN_TIMEOUT_MS / 1000} s` : `${fmt(drainMs / 1000, 1)} s after the last answer`}
in D1              ${accepted.length - missingInD1.length} of ${accepted.length} accepted (${inD1.size} leads of ${FORM} in all), statuses ${JSON.stringify(countBy(inD1.values()))}
TakePayments       ${[...receipts.values()].reduce((a, b) => a + b, 0)} requests for ${receipts.size} leads${strangers.length ? `, ${strangers.length} not ours` : ''}
lost               ${lost.size}${lost.size ? ` (${missingInD1.length} not in D1, ${undelivered.length} never delivered), e.g. ${[...lost].slice(0, 3).join(', ')}` : ''}
duplicated         ${duplicated.length}${
      duplicated.length
        ? `, e.g. ${duplicated
            .slice(0, 3)
            .map(([id, c]) => `${id}×${c}`)
            .join(', ')}`
        : ''
    }
`);
    return lost.size + duplicated.length > 0 ? 1 : 0;
  } finally {
    await demo.stop();
  }
}

process.exitCode = await main();
