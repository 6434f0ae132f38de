/**
 * Small helpers the relay tests share: calling the worker as a partner page would, and reading
 * what the relay stored.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { vi } from 'vitest';
import { SANDBOX_SECRETS } from '../../demo/sandbox/keys.ts';
import { forms } from '../../edge/forms/index.ts';
import { type FormConfig, parseForms } from '../../edge/forms/schema.ts';
import worker from '../../edge/index.ts';
import { PURGE_CRON } from '../../edge/privacy/retention.ts';
import { shards } from '../../edge/storage/shards.ts';

export const PAGE_ORIGIN = 'http://localhost:5173';

export function relay(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://relay.test${path}`, init));
}

/**
 * A fresh documentation-range address per call, so tests do not share one rate-limit bucket: fresh
 * in its /64, since the relay counts an IPv6 client by its /64.
 */
export function testClientIp(): string {
  return `2001:db8:${crypto.getRandomValues(new Uint16Array(1))[0]?.toString(16)}:${(Date.now() % 65536).toString(16)}::1`;
}

export function postLead(formId: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return relay(`/v1/forms/${formId}/leads`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: PAGE_ORIGIN,
      'cf-connecting-ip': testClientIp(),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function admin(path: string, init: RequestInit = {}): Promise<Response> {
  return relay(`/v1/admin${path}`, {
    ...init,
    headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}`, ...init.headers },
  });
}

export const validTakePaymentsLead = {
  fields: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    company: 'Analytical Engines Ltd',
    postcode: 'sw1a 1aa',
    industry: 'Retail',
    message: 'Two card machines, please.',
  },
  consent: { contact: true },
  context: { pageUrl: 'http://localhost:5173/quote?utm_source=google', utm_source: 'google' },
};

/** One lead as the admin API shows it. */
export async function adminLead<Lead>(leadId: string): Promise<Lead> {
  return (await (await admin(`/leads/${leadId}`)).json()) as Lead;
}

/** Waits until `check` passes on the lead as the admin API shows it (the queue works meanwhile), and answers it. */
export async function leadWhen<Lead>(leadId: string, check: (lead: Lead) => void, timeout = 20_000): Promise<Lead> {
  let lead: Lead | undefined;
  await vi.waitFor(
    async () => {
      lead = await adminLead<Lead>(leadId);
      check(lead);
    },
    { timeout, interval: 100 },
  );
  if (!lead) throw new Error(`lead ${leadId} never settled`);
  return lead;
}

/** Adds a form to the relay's configuration (checked as at start-up) for as long as `run` runs. */
export async function withForm<T>(raw: unknown, run: () => Promise<T>): Promise<T> {
  const [form] = parseForms([raw]);
  if (!form) throw new Error('the test form did not parse');
  const configured = forms as Map<string, FormConfig>;
  configured.set(form.id, form);
  try {
    return await run();
  } finally {
    configured.delete(form.id);
  }
}

function randomNumber(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

/** A new person on demo-getlead (a UK mobile), with a message its note follow-up carries. */
export function getleadPerson() {
  const n = randomNumber();
  return {
    fields: {
      firstName: 'Priya',
      lastName: 'Nair',
      email: `priya.${n}@example.com`,
      phone: `07840 ${String(n % 1_000_000).padStart(6, '0')}`,
      company: 'Nair & Daughters Ltd',
      purpose: 'Phone system',
      message: 'Six handsets by March.',
    },
    consent: { contact: true },
  };
}

/** A new homeowner's answers on demo-leadexec: the LeadExec simulator refuses a person it has seen. */
export function solarAnswers() {
  const n = randomNumber();
  return {
    zip: '94105',
    ownsHome: 'Yes',
    electricBill: '201-300',
    firstName: 'Maria',
    lastName: 'Lopez',
    email: `maria.${n}@example.com`,
    phone: `(415) ${200 + (n % 700)}-${String(n % 10_000).padStart(4, '0')}`,
    address: '500 Market St',
    city: 'San Francisco',
    state: 'CA',
  };
}

/**
 * The every-minute Cron Trigger's run (spill import, sweep, alert check), now, to its end; `bindings`
 * replace the test's own (a failing D1, a recording one).
 */
export async function runMaintenance(bindings: Partial<Env> = {}, scheduledTime = Date.now()): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(
    { cron: '* * * * *', scheduledTime, noRetry() {} } as ScheduledController,
    { ...env, ...bindings },
    ctx,
  );
  await waitOnExecutionContext(ctx);
}

/** How many rows of `table` every shard holds together (where `where` says, with its bindings). */
export async function countInShards(table: string, where = '1', ...bind: unknown[]): Promise<number> {
  const counts = await Promise.all(
    shards(env).map(({ db }) =>
      db
        .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)
        .bind(...bind)
        .first<number>('n'),
    ),
  );
  return counts.reduce<number>((sum, n) => sum + (n ?? 0), 0);
}

/** The hourly Cron Trigger's run (the retention purge), at `now`, to its end. */
export async function runPurge(now = Date.now()): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled({ cron: PURGE_CRON, scheduledTime: now, noRetry() {} } as ScheduledController, env, ctx);
  await waitOnExecutionContext(ctx);
}
