/**
 * What the crash and chaos scripts share: the provider sandbox in this process (so it outlives the
 * relay and counts what each provider took), the relay as `npm start` runs it with its base URLs
 * pointing there, leads that bring steps with them, and the wait until every lead and step is final.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { createSandbox, SANDBOX_PROVIDERS } from '../../demo/sandbox/index.ts';
import { SANDBOX_SECRETS } from '../../demo/sandbox/keys.ts';
import { freePort, type Server, startServer, WRANGLER_ENV } from './proc.ts';

const ORIGIN = 'http://localhost:5173';
export const FINAL = new Set(['delivered', 'rejected', 'failed']);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SandboxedRelay {
  url: string;
  sandbox: ReturnType<typeof createSandbox>;
  server: Server;
  /** The folder the relay's local D1, R2, KV and queues persist to (`--persist-to`). */
  state: string;
  /** Starts the relay again on the same local state (after `server` was killed). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `vars` are extra `wrangler dev --var` settings, such as `STRANDED_AFTER_SECONDS:20`. */
export async function startSandboxedRelay(vars: string[]): Promise<SandboxedRelay> {
  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandbox = createSandbox(SANDBOX_SECRETS, { buyerPageUrl: `${sandboxUrl}/_sandbox/buyer` });
  const sandboxServer = serve({ fetch: sandbox.app.fetch, port: sandboxPort, hostname: '127.0.0.1' });
  const state = mkdtempSync(path.join(tmpdir(), 'lead-capture-bench-'));
  const port = await freePort();
  const baseUrls = ['TAKEPAYMENTS', 'DIALLER', 'CAP', 'GETLEAD', 'LEADEXEC'].map(
    (p) => `${p}_BASE_URL:${sandboxUrl}/${p.toLowerCase()}`,
  );
  const start = async () =>
    startServer(
      process.execPath,
      [
        'demo/start.ts',
        '--port',
        String(port),
        '--inspector-port',
        String(await freePort()),
        '--persist-to',
        state,
        '--test-scheduled',
        '--var',
        ...baseUrls,
        ...vars,
      ],
      port,
      '/v1/health',
      { ...WRANGLER_ENV, SANDBOX_PORT: String(await freePort()), SKIP_WIDGET_BUILD: '1' },
    );
  const relay: SandboxedRelay = {
    url: `http://127.0.0.1:${port}`,
    sandbox,
    server: await start(),
    state,
    async restart() {
      relay.server = await start();
    },
    async stop() {
      await relay.server.stop();
      sandboxServer.close();
      rmSync(state, { recursive: true, force: true });
    },
  };
  return relay;
}

function post(relay: string, pathname: string, body: unknown, ip: string): Promise<Response> {
  return fetch(`${relay}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, 'cf-connecting-ip': ip },
    body: JSON.stringify(body),
  });
}

/** A client address per lead, from the benchmarking range: the relay limits leads per address. */
function clientIp(n: number): string {
  return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
}

export const FORMS = ['demo-all', 'demo-getlead', 'demo-leadexec'] as const;

/**
 * Sends lead `n` of a run to one form as a person would (the LeadExec one through ping → offers →
 * post, choosing every offer), and answers its lead id, or undefined when the relay gave none.
 */
export async function sendLead(relay: string, formId: (typeof FORMS)[number], run: string, n: number) {
  const email = `bench-${run}-${formId}-${n}@example.com`;
  const ip = clientIp(n * FORMS.length + FORMS.indexOf(formId));
  if (formId === 'demo-leadexec') {
    const fields = {
      zip: '94107',
      ownsHome: 'Yes',
      electricBill: '101-200',
      firstName: 'Ada',
      lastName: 'Bench',
      email,
      phone: `(415) ${200 + (n % 700)}-${String(n % 10_000).padStart(4, '0')}`,
      address: '1 Market St',
      city: 'San Francisco',
      state: 'CA',
    };
    const ping = (await (await post(relay, '/v1/forms/demo-leadexec/ping', { fields }, ip)).json()) as {
      sessionId: string;
      offers: { offerId: string }[];
    };
    const body = ping.sessionId
      ? { path: `/v1/forms/demo-leadexec/sessions/${ping.sessionId}/post`, offerIds: ping.offers.map((o) => o.offerId) }
      : { path: '/v1/forms/demo-leadexec/leads' };
    const response = await post(relay, body.path, { fields, offerIds: body.offerIds, consent: {} }, ip);
    return response.ok ? ((await response.json()) as { leadId: string }).leadId : undefined;
  }
  const fields: Record<string, string> = {
    firstName: 'Grace',
    lastName: 'Bench',
    email,
    phone: `07840 ${String(100_000 + n).padStart(6, '0')}`,
    company: 'Bench Ltd',
    message: 'Call me.',
  };
  if (formId === 'demo-getlead') fields.purpose = 'Phone system';
  else Object.assign(fields, { postcode: 'SW1A 1AA', address: '1 Horse Guards Road', vehicle: 'Audi Q4 e-tron' });
  const consent = formId === 'demo-all' ? { contact: true, offersByEmail: true } : { contact: true };
  const response = await post(relay, `/v1/forms/${formId}/leads`, { fields, consent }, ip);
  return response.ok ? ((await response.json()) as { leadId: string }).leadId : undefined;
}

export interface LeadView {
  status: string;
  deliveries: { id: string; provider: string; status: string; attempts: number }[];
  steps: { id: string; afterId: string; provider: string; kind: string; status: string; attempts: number }[];
}

/**
 * Whether nothing more will happen to the lead by itself: every delivery and step is final, or is a
 * step waiting for a delivery that failed (it runs once that delivery is replayed).
 */
export function settled(lead: LeadView): boolean {
  const failed = new Set(lead.deliveries.filter((d) => d.status === 'failed').map((d) => d.id));
  return (
    lead.deliveries.every((d) => FINAL.has(d.status)) &&
    lead.steps.every((s) => FINAL.has(s.status) || (s.status === 'pending' && failed.has(s.afterId)))
  );
}

export async function leadView(relay: string, leadId: string): Promise<LeadView | undefined> {
  const response = await fetch(`${relay}/v1/admin/leads/${leadId}`, {
    headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
  });
  return response.ok ? ((await response.json()) as LeadView) : undefined;
}

/**
 * Waits until every lead and its steps are final, running the sweep (the Cron Trigger) as it goes.
 * Answers the leads not in D1 and those still unfinished when `timeoutMs` ran out.
 */
export async function settle(relay: string, leadIds: readonly string[], timeoutMs: number) {
  const started = Date.now();
  let unfinished = [...leadIds];
  let missing: string[] = [];
  while (Date.now() - started < timeoutMs) {
    await fetch(`${relay}/__scheduled?cron=*+*+*+*+*`).catch(() => undefined);
    missing = [];
    const next: string[] = [];
    for (const leadId of unfinished) {
      const lead = await leadView(relay, leadId);
      if (!lead) missing.push(leadId);
      else if (!settled(lead)) next.push(leadId);
    }
    unfinished = next;
    if (unfinished.length === 0) break;
    await sleep(2000);
  }
  const example = unfinished[0] && (await leadView(relay, unfinished[0]));
  if (example) console.log(`[settle] unfinished, for example: ${JSON.stringify(example)}`);
  return { missing, unfinished, seconds: (Date.now() - started) / 1000 };
}

/**
 * Per provider: requests it took (a request that met a fault was not taken: sending it again is a
 * retry) and how many of the leads' requests it took more than once, by endpoint and person.
 */
export function providerTakes(sandbox: SandboxedRelay['sandbox']) {
  return SANDBOX_PROVIDERS.map((provider) => {
    const taken = sandbox.state
      .receivedBy(provider)
      .filter((r) => (r.fault === undefined || r.fault === 'slow') && !/\/(ping|duplicate\/check)$/.test(r.path));
    const byKey = new Map<string, number>();
    for (const r of taken) {
      const person = /bench-[^"&%]+?@example\.com/.exec(
        decodeURIComponent(`${r.body}&${JSON.stringify(r.query)}`),
      )?.[0];
      const key = `${r.path} ${person ?? ''}`;
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
    return { provider, taken: taken.length, duplicated: [...byKey.values()].filter((n) => n > 1).length };
  });
}
