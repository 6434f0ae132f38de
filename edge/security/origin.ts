/**
 * @module Which pages may use a form: its `allowedOrigins`, exact or with any port
 * (`http://localhost:*`). CORS answers exactly the caller's origin when allowed, never `*`.
 */
import type { FormConfig } from '../forms/schema.ts';

export function originAllowed(form: FormConfig, origin: string | undefined): origin is string {
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  return form.allowedOrigins.some((allowed) => {
    if (!allowed.endsWith(':*')) return allowed === origin;
    const prefix = allowed.slice(0, -2);
    return `${url.protocol}//${url.hostname}` === prefix;
  });
}

export function corsHeaders(origin: string): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key',
    'Access-Control-Max-Age': '600',
    // A partner page is another origin: without this the browser hides how long the relay asked the
    // widget to wait (a 429's or a 503's Retry-After), and the widget can only guess.
    'Access-Control-Expose-Headers': 'Retry-After',
    Vary: 'Origin',
  };
}
