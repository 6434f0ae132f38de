/**
 * Crash test: no lead and no step is lost when the relay's runtime dies mid-flight. Starts the
 * provider sandbox in this process (so it outlives the relay and counts what each provider got),
 * starts the relay as `npm start` does with its base URLs pointing here, sends leads that bring
 * steps with them (demo-all fans out to four providers, demo-getlead adds a note and a call task,
 * LeadExec ping → post adds an accept per chosen offer) while the providers are slow, then kills the
 * relay's whole process group (wrangler and workerd) with SIGKILL and starts it again on the same
 * local state. Local queues live in memory and die with workerd: what they held is found again by
 * the sweep (the Cron Trigger, run here through wrangler's `/__scheduled`).
 * Prints, per provider, requests and duplicates (with why), and exits 1 if any lead or step is lost
 * or left unfinished. A script, not a test: `node bench/crash.ts` (Node 22) from the repository.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createSandbox, SANDBOX_PROVIDERS } from '../demo/sandbox/index.ts';
import { SANDBOX_SECRETS } from '../demo/sandbox/keys.ts';
import type { ReceivedRequest } from '../demo/sandbox/recorder.ts';
import { freePort, type Server, startServer, WRANGLER_ENV } from './lib/proc.ts';

const PER_FORM = 40;
const ORIGIN = 'http://localhost:5173';
const SETTLE_TIMEOUT_MS = Number(process.env.SETTLE_TIMEOUT_MS ?? 180_000);

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sandboxPort = await freePort();
const sandbox = createSandbox(SANDBOX_SECRETS, { buyerPageUrl: `http://127.0.0.1:${sandboxPort}/_sandbox/buyer` });
const sandboxServer = serve({ fetch: sandbox.app.fetch, port: sandboxPort, hostname: '127.0.0.1' });
const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
const state = mkdtempSync(path.join(tmpdir(), 'lead-capture-crash-'));
const relayPort = await freePort();
const relay = `http://127.0.0.1:${relayPort}`;

async function startRelay(): Promise<Server> {
  const vars = ['TAKEPAYMENTS', 'DIALLER', 'CAP', 'GETLEAD', 'LEADEXEC'].flatMap((p) => [
    `${p}_BASE_URL:${sandboxUrl}/${p.toLowerCase()}`,
  ]);
  return startServer(
    process.execPath,
    [
      'demo/start.ts',
      '--port',
      String(relayPort),
      '--inspector-port',
      String(await freePort()),
      '--persist-to',
      state,
      '--test-scheduled',
      '--var',
      ...vars,
      'STRANDED_AFTER_SECONDS:20',
      'DELIVERY_MAX_ATTEMPTS:6',
    ],
    relayPort,
    '/v1/health',
    { ...WRANGLER_ENV, SANDBOX_PORT: String(await freePort()), SKIP_WIDGET_BUILD: '1' },
  );
}

function post(pathname: string, body: unknown): Promise<Response> {
  return fetch(`${relay}${pathname}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: ORIGIN,
      'cf-connecting-ip': `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    },
    body: JSON.stringify(body),
  });
}

const run = Date.now().toString(36);
const uk = (n: number) => `07840 ${String(100_000 + n).padStart(6, '0')}`;
const us = (n: number) => `(415) 555-${String(1000 + n).padStart(4, '0')}`;

/** Every lead sent and answered with a lead id: the ones that must not be lost. */
const accepted: { leadId: string; formId: string; email: string }[] = [];

async function send(formId: string, n: number): Promise<void> {
  const email = `crash-${run}-${formId}-${n}@example.com`;
  try {
    if (formId === 'demo-leadexec') {
      const fields = {
        zip: '94107',
        ownsHome: 'Yes',
        electricBill: '101-200',
        firstName: 'Ada',
        lastName: 'Crash',
        email,
        phone: us(n),
        address: '1 Market St',
        city: 'San Francisco',
        state: 'CA',
      };
      const ping = (await (await post('/v1/forms/demo-leadexec/ping', { fields })).json()) as {
        sessionId: string;
        offers: { offerId: string }[];
      };
      if (!ping.sessionId) return;
      const response = await post(`/v1/forms/demo-leadexec/sessions/${ping.sessionId}/post`, {
        fields,
        offerIds: ping.offers.map((o) => o.offerId),
        consent: {},
      });
      if (response.ok) accepted.push({ leadId: ((await response.json()) as { leadId: string }).leadId, formId, email });
      return;
    }
    const fields: Record<string, string> = {
      firstName: 'Grace',
      lastName: 'Crash',
      email,
      phone: uk(n),
      company: 'Crash Ltd',
      postcode: 'SW1A 1AA',
      address: '1 Horse Guards Road, London',
      vehicle: 'Audi Q4 e-tron',
      purpose: 'Phone system',
      message: 'Call me.',
    };
    if (formId === 'demo-getlead') {
      delete fields.postcode;
      delete fields.address;
      delete fields.vehicle;
    } else {
      delete fields.purpose;
    }
    const consent = formId === 'demo-all' ? { contact: true, offersByEmail: true } : { contact: true };
    const response = await post(`/v1/forms/${formId}/leads`, { fields, consent });
    if (response.ok) accepted.push({ leadId: ((await response.json()) as { leadId: string }).leadId, formId, email });
    else console.error(`[crash] ${formId} #${n}: HTTP ${response.status} ${await response.text()}`);
  } catch (error) {
    // The relay died under this request: the consumer was never told, so it may or may not exist.
    console.log(`[crash] ${formId} #${n} lost its answer: ${String(error)}`);
  }
}

interface AdminLead {
  status: string;
  deliveries: { provider: string; status: string; attempts: number }[];
  steps: { provider: string; kind: string; status: string; attempts: number }[];
}

async function leadView(leadId: string): Promise<AdminLead | undefined> {
  const response = await fetch(`${relay}/v1/admin/leads/${leadId}`, {
    headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
  });
  return response.ok ? ((await response.json()) as AdminLead) : undefined;
}

const FINAL = new Set(['delivered', 'rejected', 'failed']);

let server = await startRelay();
console.log(`[crash] relay on ${relay}, sandbox on ${sandboxUrl}`);
try {
  // Slow providers keep attempts in flight; a few 503s leave deliveries retrying when the relay dies.
  for (const provider of SANDBOX_PROVIDERS) {
    sandbox.state.addFault(provider, { fault: { kind: 'slow', ms: 800 }, times: 60 });
    sandbox.state.addFault(provider, { fault: { kind: 'status', status: 503 }, times: 10 });
  }
  const sending: Promise<void>[] = [];
  for (let n = 0; n < PER_FORM; n++) {
    for (const formId of ['demo-all', 'demo-getlead', 'demo-leadexec']) sending.push(send(formId, n));
    await sleep(15);
  }
  await sleep(1500);
  const inFlight = sandbox.state.received.length;
  console.log(`[crash] SIGKILL the relay with ${accepted.length} leads answered, ${inFlight} provider requests so far`);
  process.kill(-server.pid, 'SIGKILL');
  // The providers are well again: what follows measures recovery, not the faults.
  sandbox.state.clearFaults();
  await Promise.allSettled(sending);
  await sleep(500);
  server = await startRelay();
  console.log(`[crash] relay restarted on the same state (${state})`);

  const started = Date.now();
  let unfinished: string[] = accepted.map((a) => a.leadId);
  let missing: string[] = [];
  while (Date.now() - started < SETTLE_TIMEOUT_MS) {
    await fetch(`${relay}/__scheduled?cron=*+*+*+*+*`).catch(() => undefined);
    missing = [];
    const next: string[] = [];
    for (const leadId of unfinished) {
      const lead = await leadView(leadId);
      if (!lead) missing.push(leadId);
      else if (![...lead.deliveries, ...lead.steps].every((d) => FINAL.has(d.status))) next.push(leadId);
    }
    unfinished = next;
    if (unfinished.length === 0) break;
    await sleep(2000);
  }

  const views = await Promise.all(accepted.map(async (a) => ({ ...a, lead: await leadView(a.leadId) })));
  const stuck = views.find((v) => unfinished.includes(v.leadId));
  if (stuck) console.log(`[crash] unfinished, for example: ${JSON.stringify(stuck.lead)}`);
  const steps = views.flatMap((v) => v.lead?.steps ?? []);
  const deliveries = views.flatMap((v) => v.lead?.deliveries ?? []);
  const count = (rows: { status: string }[], status: string) => rows.filter((r) => r.status === status).length;
  console.log(`[crash] settled in ${((Date.now() - started) / 1000).toFixed(1)} s after the restart`);
  console.log(
    `[crash] leads answered ${accepted.length}, in D1 ${views.filter((v) => v.lead).length}, lost ${missing.length}, unfinished ${unfinished.length}`,
  );
  console.log(
    `[crash] deliveries ${deliveries.length}: delivered ${count(deliveries, 'delivered')}, rejected ${count(deliveries, 'rejected')}, failed ${count(deliveries, 'failed')}`,
  );
  console.log(
    `[crash] steps ${steps.length}: delivered ${count(steps, 'delivered')}, rejected ${count(steps, 'rejected')}, failed ${count(steps, 'failed')}`,
  );

  // What each provider received per lead and endpoint: more than once is a duplicate, and a crash
  // (an attempt in flight when workerd died, made again after the restart) is the only cause allowed.
  const emailOf = (r: ReceivedRequest) =>
    /crash-[^"&]+?@example\.com/.exec(decodeURIComponent(`${r.body}&${JSON.stringify(r.query)}`))?.[0];
  for (const provider of SANDBOX_PROVIDERS) {
    // A request that met a fault was not taken: sending it again is a retry, not a duplicate.
    const requests = sandbox.state
      .receivedBy(provider)
      .filter((r) => (r.fault === undefined || r.fault === 'slow') && !/\/(ping|duplicate\/check)$/.test(r.path));
    const byKey = new Map<string, number>();
    for (const r of requests) {
      const key = `${r.path} ${emailOf(r) ?? r.path}`;
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
    const duplicates = [...byKey.values()].filter((n) => n > 1).length;
    console.log(`[crash] ${provider}: ${requests.length} requests taken, ${duplicates} taken more than once`);
  }
  process.exitCode = missing.length > 0 || unfinished.length > 0 ? 1 : 0;
} finally {
  await server.stop();
  sandboxServer.close();
  rmSync(state, { recursive: true, force: true });
}
