/**
 * @module Headers every relay answer carries.
 */
import type { MiddlewareHandler } from 'hono';

export const securityHeaders = (): MiddlewareHandler => async (c, next) => {
  await next();
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
  c.res.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
};
