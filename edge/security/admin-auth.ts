/**
 * @module Admin routes need `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time.
 * A 401 says nothing about why.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';

async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
}

/** Hashing both sides first gives equal lengths, so the comparison leaks neither length nor content. */
export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

export const adminAuth = (): MiddlewareHandler<{ Bindings: Env }> => async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(header);
  if (!expected || !match?.[1] || !(await tokensEqual(match[1], expected))) {
    throw new ApiError('unauthorized', 'Unauthorized');
  }
  await next();
  // Admin answers hold personal data: no browser or proxy may keep a copy.
  c.res.headers.set('Cache-Control', 'no-store');
};
