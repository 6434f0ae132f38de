/**
 * @module The one way adapters talk to providers: a fetch that returns the status and a trimmed body
 * for the attempt log, and the classification every provider shares (5xx and 429 are retryable).
 */
import type { DeliveryResult, Transport } from './types.ts';

/** How much of a provider's answer the attempt log keeps. */
export const RESPONSE_EXCERPT_LENGTH = 1000;

export interface ProviderReply {
  status: number;
  headers: Headers;
  text: string;
}

export async function callProvider(
  url: string,
  init: RequestInit,
  signal: AbortSignal,
  transport: Transport = fetch,
): Promise<ProviderReply> {
  const response = await transport(url, { ...init, signal, redirect: 'manual' });
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

/**
 * `text` cut to whole characters that fit in `max` UTF-16 units, the length a .NET provider (TakePayments)
 * checks: a character outside the BMP, an emoji, is kept whole or left out, never cut in half into a
 * lone surrogate that a strict parser refuses.
 */
export function cutToCharacters(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = '';
  for (const character of text) {
    if (cut.length + character.length > max) break;
    cut += character;
  }
  return cut;
}

/** Parses JSON without throwing: providers sometimes answer HTML or nothing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The request a dry run stopped before it left: the adapter built it and its checks passed. */
export class DryRunStop extends Error {
  readonly method: string;
  readonly url: string;
  readonly bytes: number;

  constructor(method: string, url: string, bytes: number) {
    super(`dry run: ${method} ${url}`);
    this.method = method;
    this.url = url;
    this.bytes = bytes;
  }
}

/** A transport that sends nothing: it stops the adapter at its first request. */
export const dryRunTransport: Transport = async (url, init) => {
  const body = typeof init.body === 'string' ? init.body : '';
  throw new DryRunStop(init.method ?? 'GET', url, new TextEncoder().encode(body).length);
};

/** Links that reach the consumer's page: only http(s) ones, never `javascript:` and the like. */
export function webUrl(text: string | undefined): string {
  if (!text) return '';
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : '';
  } catch {
    return '';
  }
}
