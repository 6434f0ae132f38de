/**
 * @module Cloudflare Turnstile, verified server-side: a token is good once (siteverify refuses a
 * spent one), for our hostname. It fails closed: no answer in time, an error status or an
 * unreadable answer is a refusal, never a pass.
 * https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
 */
export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

/** Long enough for siteverify on a bad day, short enough that a consumer is not left waiting. */
const SITEVERIFY_TIMEOUT_MS = 5000;

interface SiteverifyAnswer {
  success?: unknown;
  hostname?: unknown;
  'error-codes'?: unknown;
  metadata?: { result_with_testing_key?: unknown };
}

export interface TurnstileCheck {
  secret: string;
  token: string;
  ip: string | null;
  /** The hostname of the page the token must have been solved on: the caller's allowed origin. */
  hostname: string;
  /**
   * Cloudflare's test secrets pass (or fail) every token and name a fixed hostname, so their
   * answers count only where this is true: local development.
   */
  allowTestingKey: boolean;
}

export async function verifyTurnstile(check: TurnstileCheck): Promise<boolean> {
  const form = new URLSearchParams({ secret: check.secret, response: check.token });
  if (check.ip) form.set('remoteip', check.ip);
  let answer: SiteverifyAnswer;
  try {
    const response = await fetch(TURNSTILE_VERIFY_URL, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(SITEVERIFY_TIMEOUT_MS),
    });
    if (!response.ok) return false;
    answer = (await response.json()) as SiteverifyAnswer;
  } catch {
    return false;
  }
  if (answer?.success !== true) return false;
  if (answer.metadata?.result_with_testing_key === true) {
    if (!check.allowTestingKey) {
      console.error(
        JSON.stringify({ at: 'turnstile', error: 'TURNSTILE_SECRET is a test secret outside development' }),
      );
    }
    return check.allowTestingKey;
  }
  return answer.hostname === check.hostname;
}
