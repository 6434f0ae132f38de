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
    },
  };
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
 * Network failures and 5xx are tried again with the same request (the relay answers a repeat with
 * the lead it already stored); offline waits for the connection.
 */
export async function withRetries<T>(send: () => Promise<RelayResult<T>>): Promise<RelayResult<T>> {
  for (let attempt = 0; ; attempt++) {
    if (!navigator.onLine) await new Promise((resolve) => addEventListener('online', resolve, { once: true }));
    const result = await send();
    const delay = RETRY_DELAYS_MS[attempt];
    const transient = !result.ok && (result.error.code === 'network_error' || result.error.status >= 500);
    if (!transient || delay === undefined) return result;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
