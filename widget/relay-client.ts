/**
 * @module Talks to the relay: loads a form's definition and submits a lead. Errors come back as
 * values with the relay's code, never as thrown strings.
 */
import type { ApiErrorBody, ApiIssue } from '../shared/errors.ts';
import type { PublicForm } from '../shared/form.ts';
import type { LeadAccepted, LeadSubmission } from '../shared/lead.ts';
import type { PingRequest, PingResponse, PostRequest, PostResponse } from '../shared/ping-post.ts';

export interface RelayError {
  code: string;
  message: string;
  issues: ApiIssue[];
  status: number;
  /** How long the relay asked to be left alone (its Retry-After), when it said so. */
  retryAfterMs?: number;
}

export type RelayResult<T> = { ok: true; value: T } | { ok: false; error: RelayError };

async function call<T>(url: string, init: RequestInit): Promise<RelayResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    return { ok: false, error: { code: 'network_error', message: String(error), issues: [], status: 0 } };
  }
  const body = (await response.json().catch(() => undefined)) as T | ApiErrorBody | undefined;
  if (response.ok && body !== undefined) return { ok: true, value: body as T };
  const error = (body as ApiErrorBody | undefined)?.error;
  return {
    ok: false,
    error: {
      code: error?.code ?? 'http_error',
      message: error?.message ?? `HTTP ${response.status}`,
      issues: error?.issues ?? [],
      status: response.status,
      retryAfterMs: retryAfter(response.headers.get('retry-after')),
    },
  };
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; a date gone by is no wait at all. */
function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}

export function loadForm(relay: string, formId: string, signal?: AbortSignal): Promise<RelayResult<PublicForm>> {
  return call(`${relay}/v1/forms/${encodeURIComponent(formId)}`, signal ? { signal } : {});
}

export function submitLead(
  relay: string,
  formId: string,
  submission: LeadSubmission,
  idempotencyKey: string,
): Promise<RelayResult<LeadAccepted>> {
  return postJson(`${relay}/v1/forms/${encodeURIComponent(formId)}/leads`, submission, {
    'idempotency-key': idempotencyKey,
  });
}

function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RelayResult<T>> {
  return call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export function pingOffers(relay: string, formId: string, request: PingRequest): Promise<RelayResult<PingResponse>> {
  return postJson(`${relay}/v1/forms/${encodeURIComponent(formId)}/ping`, request);
}

export function postOffers(
  relay: string,
  formId: string,
  sessionId: string,
  request: PostRequest,
): Promise<RelayResult<PostResponse>> {
  const path = `/v1/forms/${encodeURIComponent(formId)}/sessions/${encodeURIComponent(sessionId)}/post`;
  return postJson(`${relay}${path}`, request);
}

const RETRY_DELAYS_MS = [500, 1500, 4000];

/**
 * The most the consumer waits between tries, all waits together, however long a Retry-After asks
 * for: they watch "Sending…" meanwhile, and past about 10 s they are better told that their
 * answers are kept and left to send again than kept waiting (the relay's own 503 asks for 10 s,
 * which three tries would make half a minute). A try sooner than asked does no harm: the relay
 * answers a repeat of the same key with what it did the first time.
 */
const RETRY_WAIT_BUDGET_MS = 10_000;

/**
 * Network failures and 5xx are tried again with the same request (the relay answers a repeat with
 * the lead it already stored), after the backoff or the relay's Retry-After, whichever is longer;
 * offline waits for the connection.
 */
export async function withRetries<T>(send: () => Promise<RelayResult<T>>): Promise<RelayResult<T>> {
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    if (!navigator.onLine) await new Promise((resolve) => addEventListener('online', resolve, { once: true }));
    const result = await send();
    const backoff = RETRY_DELAYS_MS[attempt];
    if (result.ok || backoff === undefined || waited >= RETRY_WAIT_BUDGET_MS) return result;
    const { code, status, retryAfterMs = 0 } = result.error;
    if (code !== 'network_error' && status < 500) return result;
    const delay = Math.min(Math.max(backoff, retryAfterMs), RETRY_WAIT_BUDGET_MS - waited);
    waited += delay;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
