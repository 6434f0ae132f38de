/**
 * @module The one way adapters talk to providers: a fetch that returns the status and a trimmed body
 * for the attempt log, and the classification every provider shares (5xx and 429 are retryable).
 */
import type { DeliveryResult } from './types.ts';

/** How much of a provider's answer the attempt log keeps. */
export const RESPONSE_EXCERPT_LENGTH = 1000;

export interface ProviderReply {
  status: number;
  headers: Headers;
  text: string;
}

export async function callProvider(url: string, init: RequestInit, signal: AbortSignal): Promise<ProviderReply> {
  const response = await fetch(url, { ...init, signal, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

export function excerpt(text: string): string {
  return text.length > RESPONSE_EXCERPT_LENGTH ? `${text.slice(0, RESPONSE_EXCERPT_LENGTH)}…` : text;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or undefined. */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The answer every provider shares: 5xx and 429 are worth trying again, and say so. */
export function retryableReply(reply: ProviderReply): DeliveryResult | undefined {
  if (reply.status === 429 || reply.status >= 500) {
    const result: DeliveryResult = {
      outcome: 'retryable',
      reason: `HTTP ${reply.status}`,
      httpStatus: reply.status,
      response: excerpt(reply.text),
    };
    const after = retryAfterSeconds(reply.headers);
    if (after !== undefined) result.retryAfterSeconds = after;
    return result;
  }
  return undefined;
}

/** Parses JSON without throwing: providers sometimes answer HTML or nothing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
