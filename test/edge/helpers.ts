/**
 * Small helpers the relay tests share: calling the worker as a partner page would, and reading
 * what the relay stored.
 */
import { exports } from 'cloudflare:workers';
import { SANDBOX_SECRETS } from '../../demo/sandbox/keys.ts';

export const PAGE_ORIGIN = 'http://localhost:5173';

export function relay(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://relay.test${path}`, init));
}

/** A fresh documentation-range address per call, so tests do not share one rate-limit bucket. */
export function testClientIp(): string {
  return `2001:db8::${crypto.getRandomValues(new Uint16Array(1))[0]?.toString(16)}:${Date.now() % 65536}`;
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
