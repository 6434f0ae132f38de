/**
 * @module The one place admin authorization is decided: each admin route declares the least role
 * it needs with `requires(role)`, which identifies the caller (identity.ts) and lets them through
 * or answers 403 `forbidden` naming the role. A test reads Hono's own route list and fails for an
 * admin route that declares none.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';
import { type Identity, identify, type Role } from './identity.ts';

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Marks the middleware as a role declaration, for the route-list test. */
export const DECLARES_ROLE = Symbol('declares a role');

export type AdminVariables = { identity: Identity };

type RoleMiddleware = MiddlewareHandler<{ Bindings: Env; Variables: AdminVariables }> & { [DECLARES_ROLE]: Role };

type AdminContext = Context<{ Bindings: Env; Variables: AdminVariables }>;

/** The caller, identified once per request. */
async function identityOf(c: AdminContext): Promise<Identity> {
  const known = c.get('identity') as Identity | undefined;
  if (known) return known;
  const identity = await identify(c.env, c.req.raw, (work) => {
    try {
      c.executionCtx.waitUntil(work);
    } catch {
      // No execution context (a test calling the app directly): the write runs unawaited.
    }
  });
  c.set('identity', identity);
  return identity;
}

/**
 * Every admin path, routes or not (a preflight, a mistyped path), answers 401 to a caller who is
 * nobody, before anything says whether it exists.
 */
export const identified = (): MiddlewareHandler<{ Bindings: Env; Variables: AdminVariables }> => async (c, next) => {
  await identityOf(c);
  await next();
};

export function requires(role: Role): RoleMiddleware {
  const middleware: MiddlewareHandler<{ Bindings: Env; Variables: AdminVariables }> = async (c, next) => {
    const identity = await identityOf(c);
    if (RANK[identity.role] < RANK[role]) {
      throw new ApiError('forbidden', `This needs the ${role} role; you have ${identity.role}`);
    }
    await next();
    // Admin answers hold personal data: no browser or proxy may keep a copy.
    c.res.headers.set('Cache-Control', 'no-store');
  };
  return Object.assign(middleware, { [DECLARES_ROLE]: role });
}
