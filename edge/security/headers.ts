/**
 * @module Headers every relay answer carries. The API answers only JSON, so its CSP allows nothing:
 * an answer opened as a page can load and run nothing, and no page may frame it.
 */
import type { MiddlewareHandler } from 'hono';

export const securityHeaders = (): MiddlewareHandler => async (c, next) => {
  await next();
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
  c.res.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  c.res.headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
};
