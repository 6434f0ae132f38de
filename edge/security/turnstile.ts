/**
 * @module Cloudflare Turnstile, verified server-side: a token is good once, for our hostname.
 * https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
 */
export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

interface SiteverifyAnswer {
  success: boolean;
  hostname?: string;
  'error-codes'?: string[];
}

export async function verifyTurnstile(
  secret: string,
  token: string,
  ip: string | null,
  expectedHostname: string | null,
): Promise<boolean> {
  const form = new URLSearchParams({ secret, response: token });
  if (ip) form.set('remoteip', ip);
  const response = await fetch(TURNSTILE_VERIFY_URL, { method: 'POST', body: form });
  if (!response.ok) return false;
  const answer = (await response.json()) as SiteverifyAnswer;
  if (!answer.success) return false;
  return expectedHostname === null || answer.hostname === expectedHostname;
}
