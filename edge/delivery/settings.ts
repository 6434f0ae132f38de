/**
 * @module Delivery settings from the environment, with production defaults: 8 attempts spread over
 * about a day, 10 s per attempt. The sandbox shortens them so tests can wait for a dead letter.
 */

export interface DeliverySettings {
  maxAttempts: number;
  backoffBaseSeconds: number;
  timeoutMs: number;
}

const MAX_DELAY_SECONDS = 6 * 60 * 60;
const QUEUE_MAX_ATTEMPTS = 11;
/** Cloudflare Queues delays a retry by at most 12 hours; a longer Retry-After waits that long. */
const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function deliverySettings(env: Env): DeliverySettings {
  return {
    // The queue's own max_retries (wrangler.toml: 10) dead-letters a message after 11 attempts.
    maxAttempts: Math.min(positive(env.DELIVERY_MAX_ATTEMPTS, 8), QUEUE_MAX_ATTEMPTS),
    backoffBaseSeconds: positive(env.DELIVERY_BACKOFF_SECONDS, 120),
    timeoutMs: positive(env.DELIVERY_TIMEOUT_MS, 10_000),
  };
}

/** Exponential backoff (×3 per attempt) with ±20% jitter, capped at six hours. */
export function backoffSeconds(attempt: number, baseSeconds: number, random = Math.random): number {
  const raw = Math.min(baseSeconds * 3 ** Math.max(0, attempt - 1), MAX_DELAY_SECONDS);
  return Math.max(1, Math.round(raw * (0.8 + 0.4 * random())));
}

/**
 * How long the queue waits before the next attempt: the backoff, or the provider's Retry-After when
 * that is longer, never more than the queue can delay a message.
 */
export function retryDelaySeconds(
  attempt: number,
  baseSeconds: number,
  retryAfterSeconds: number | undefined,
  random = Math.random,
): number {
  return Math.min(
    Math.max(backoffSeconds(attempt, baseSeconds, random), retryAfterSeconds ?? 0),
    MAX_QUEUE_DELAY_SECONDS,
  );
}
