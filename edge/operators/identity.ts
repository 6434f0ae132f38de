/**
 * @module Who is asking an admin route: a person (or a service token) signed in through Cloudflare
 * Access, whose `Cf-Access-Jwt-Assertion` the relay verifies itself (RS256 only, the team's issuer,
 * the application's audience, not expired: `jose`, never hand-written); an API token
 * (`Bearer lct_…`, stored only as its SHA-256); or the owner's `ADMIN_TOKEN` (break-glass, admin).
 * Each comes with a role; a signed-in person without one is 403 `forbidden`.
 */
import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import * as z from 'zod';
import { ApiError } from '../errors.ts';
import { shards } from '../storage/shards.ts';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const actorSchema = z.object({
  type: z.enum(['access', 'token', 'owner']),
  id: z.string(),
  name: z.string(),
});
export type Actor = z.infer<typeof actorSchema>;

/** How the tombstones and the tables name an actor: `owner`, `token:<name>`, `access:<email>`. */
export function describeActor(actor: Actor): string {
  return actor.type === 'owner' ? 'owner' : `${actor.type}:${actor.name}`;
}

export interface Identity {
  actor: Actor;
  role: Role;
}

export const TOKEN_PREFIX = 'lct_';
/** lastUsedAt is written at most this often per token: no D1 write per request. */
const LAST_USED_EVERY_MS = 60_000;

/** Shard 0: where operators, tokens and the audit log live. */
export function homeDb(env: Env): D1Database {
  return (shards(env)[0] ?? { db: env.DB }).db;
}

export function sha256Hex(text: string): Promise<string> {
  return crypto.subtle
    .digest('SHA-256', new TextEncoder().encode(text))
    .then((d) => Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join(''));
}

async function equalHashes(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([a, b].map((t) => crypto.subtle.digest('SHA-256', new TextEncoder().encode(t))));
  return crypto.subtle.timingSafeEqual(x as ArrayBuffer, y as ArrayBuffer);
}

const remoteKeys = new Map<string, JWTVerifyGetKey>();

/** The keys Access signs with: the var's JWKS, or the team's certs, fetched once per isolate and cached by jose. */
function accessKeys(env: Env): JWTVerifyGetKey {
  if (env.ACCESS_JWKS) return createLocalJWKSet(JSON.parse(env.ACCESS_JWKS));
  const url = `${env.ACCESS_TEAM_DOMAIN.replace(/\/$/, '')}/cdn-cgi/access/certs`;
  let keys = remoteKeys.get(url);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(url));
    remoteKeys.set(url, keys);
  }
  return keys;
}

const accessClaims = z.object({
  sub: z.string().optional(),
  email: z.string().optional(),
  common_name: z.string().optional(),
});

async function roleOf(env: Env, id: string): Promise<Role | null> {
  const admins = (env.ACCESS_ADMINS ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  const row = await homeDb(env).prepare('SELECT role FROM operators WHERE id = ?').bind(id).first<{ role: Role }>();
  if (row) return row.role;
  return admins.includes(id) ? 'admin' : null;
}

async function fromAccess(env: Env, assertion: string): Promise<Identity> {
  if (!env.ACCESS_AUD || !env.ACCESS_TEAM_DOMAIN) throw new ApiError('unauthorized', 'Unauthorized');
  let claims: z.infer<typeof accessClaims>;
  try {
    const { payload } = await jwtVerify(assertion, accessKeys(env), {
      algorithms: ['RS256'],
      issuer: env.ACCESS_TEAM_DOMAIN.replace(/\/$/, ''),
      audience: env.ACCESS_AUD,
    });
    claims = accessClaims.parse(payload);
  } catch {
    throw new ApiError('unauthorized', 'Unauthorized');
  }
  // A service token has an empty subject and a common name (its client id): a named machine.
  const person = claims.sub && claims.email ? claims.email.toLowerCase() : null;
  const id = person ?? claims.common_name;
  if (!id) throw new ApiError('unauthorized', 'Unauthorized');
  const role = await roleOf(env, id);
  if (!role) throw new ApiError('forbidden', 'You are signed in but have no role here: an admin must give you one');
  return { actor: { type: 'access', id, name: id }, role };
}

async function fromToken(env: Env, token: string, later: (work: Promise<unknown>) => void): Promise<Identity> {
  const now = new Date();
  const row = await homeDb(env)
    .prepare(
      `SELECT id, name, role, last_used_at FROM api_tokens
       WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
    )
    .bind(await sha256Hex(token), now.toISOString())
    .first<{ id: string; name: string; role: Role; last_used_at: string | null }>();
  if (!row) throw new ApiError('unauthorized', 'Unauthorized');
  if (!row.last_used_at || Date.parse(row.last_used_at) < now.getTime() - LAST_USED_EVERY_MS) {
    const write = homeDb(env)
      .prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?')
      .bind(now.toISOString(), row.id)
      .run()
      .catch(() => undefined);
    // Off the answer's path: the caller need not wait for the bookkeeping.
    later(write);
  }
  return { actor: { type: 'token', id: row.id, name: row.name }, role: row.role };
}

/** The identity of an admin request, or 401 `unauthorized` (which never says why). */
export async function identify(env: Env, request: Request, later: (work: Promise<unknown>) => void): Promise<Identity> {
  const assertion = request.headers.get('cf-access-jwt-assertion');
  const bearer = /^Bearer ([\x21-\x7e]+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (bearer?.startsWith(TOKEN_PREFIX)) return fromToken(env, bearer, later);
  if (bearer && env.ADMIN_TOKEN && (await equalHashes(bearer, env.ADMIN_TOKEN))) {
    return { actor: { type: 'owner', id: 'owner', name: 'owner' }, role: 'admin' };
  }
  if (assertion) return fromAccess(env, assertion);
  throw new ApiError('unauthorized', 'Unauthorized');
}
