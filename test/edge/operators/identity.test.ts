/**
 * Who is asking, as Cloudflare Access, an API token or the owner says: a person signed in through
 * Access is let in only by a JWT the relay verifies (RS256, the team's issuer, the application's
 * audience, unexpired, signed by the team's key) and only with a role; a service token is a named
 * machine; API tokens work until they expire or are revoked, and note their last use at most once a
 * minute.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../../edge/index.ts';
import { admin } from '../helpers.ts';
import { as, tokenOf } from './team.ts';

const TEAM = 'https://lead-capture-test.cloudflareaccess.com';
const AUD = 'a'.repeat(64);
let teamKey: CryptoKey;
let strangerKey: CryptoKey;
let access: Env;

beforeAll(async () => {
  const team = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256');
  teamKey = team.privateKey;
  strangerKey = stranger.privateKey;
  const jwk = { ...(await exportJWK(team.publicKey)), kid: 'team-key', alg: 'RS256', use: 'sig' };
  access = {
    ...env,
    ACCESS_TEAM_DOMAIN: TEAM,
    ACCESS_AUD: AUD,
    ACCESS_ADMINS: 'First.Admin@example.com',
    ACCESS_JWKS: JSON.stringify({ keys: [jwk] }),
  };
});

function jwt(claims: JWTPayload, { key = teamKey, issuer = TEAM, audience = AUD, expires = '5m' } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'team-key' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(key);
}

/** `/v1/admin/me` behind Access, with this assertion. */
async function me(assertion: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request('http://relay.test/v1/admin/me', { headers: { 'cf-access-jwt-assertion': assertion } }),
    access,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

const person = (email: string) => ({ sub: crypto.randomUUID(), email });

describe('Cloudflare Access', () => {
  it('lets in a first admin that ACCESS_ADMINS names, in any case', async () => {
    const response = await me(await jwt(person('first.admin@EXAMPLE.com')));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      actor: { type: 'access', id: 'first.admin@example.com', name: 'first.admin@example.com' },
      role: 'admin',
    });
  });

  it('gives a person the role an admin set for them, and 403 forbidden to one without a role', async () => {
    const email = `op.${crypto.randomUUID().slice(0, 8)}@example.com`;
    expect((await me(await jwt(person(email)))).status).toBe(403);
    const set = await admin(`/operators/${email}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'operator' }),
    });
    expect(set.status).toBe(200);
    expect(await (await me(await jwt(person(email)))).json()).toMatchObject({ role: 'operator' });
    expect((await admin(`/operators/${email}`, { method: 'DELETE' })).status).toBe(200);
    expect((await me(await jwt(person(email)))).status).toBe(403);
  });

  it('knows a service token (no subject, a common name) as a named machine', async () => {
    const clientId = `${crypto.randomUUID().slice(0, 8)}.access`;
    await admin(`/operators/${clientId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'viewer' }),
    });
    const response = await me(await jwt({ sub: '', common_name: clientId }));
    expect(await response.json()).toEqual({ actor: { type: 'access', id: clientId, name: clientId }, role: 'viewer' });
  });

  it.each([
    ['expired', () => jwt(person('first.admin@example.com'), { expires: '-1m' })],
    ['for another application', () => jwt(person('first.admin@example.com'), { audience: 'b'.repeat(64) })],
    [
      'from another team',
      () => jwt(person('first.admin@example.com'), { issuer: 'https://other.cloudflareaccess.com' }),
    ],
    ['signed by a key not the team’s', () => jwt(person('first.admin@example.com'), { key: strangerKey })],
    [
      'signed with HS256',
      () =>
        new SignJWT(person('first.admin@example.com'))
          .setProtectedHeader({ alg: 'HS256', kid: 'team-key' })
          .setIssuer(TEAM)
          .setAudience(AUD)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('a shared secret anyone could guess')),
    ],
    ['not a JWT at all', async () => 'not.a.jwt'],
  ])('answers 401 to an assertion %s', async (_, make) => {
    const response = await me(await make());
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'Unauthorized' } });
  });
});

describe('API tokens', () => {
  it('is shown once as lct_ and 32 random bytes, listed without its secret, and known by its name', async () => {
    const made = await tokenOf('operator', 'ci robot');
    expect(made.token).toMatch(/^lct_[A-Za-z0-9_-]{43,}$/);
    const listed = (await (await admin('/tokens')).json()) as { tokens: Record<string, unknown>[] };
    const entry = listed.tokens.find((t) => t.id === made.id);
    expect(entry).toMatchObject({ name: 'ci robot', role: 'operator', createdBy: 'owner', expiresAt: null });
    expect(JSON.stringify(listed)).not.toContain(made.token);
    const stored = await env.DB.prepare('SELECT * FROM api_tokens WHERE id = ?').bind(made.id).first();
    expect(JSON.stringify(stored)).not.toContain(made.token);
    expect(await (await as(made.token, '/me')).json()).toEqual({
      actor: { type: 'token', id: made.id, name: 'ci robot' },
      role: 'operator',
    });
  });

  it('writes lastUsedAt on first use and not again within the minute', async () => {
    const made = await tokenOf('viewer');
    const lastUsed = async () =>
      env.DB.prepare('SELECT last_used_at FROM api_tokens WHERE id = ?')
        .bind(made.id)
        .first<string | null>('last_used_at');
    expect(await lastUsed()).toBeNull();
    await as(made.token, '/me');
    await expect.poll(lastUsed).not.toBeNull();
    const first = await lastUsed();
    await as(made.token, '/me');
    await as(made.token, '/leads');
    expect(await lastUsed()).toBe(first);
  });

  it('stops working at once when revoked, and once past its expiry', async () => {
    const revoked = await tokenOf('admin');
    expect((await as(revoked.token, '/me')).status).toBe(200);
    expect(await (await admin(`/tokens/${revoked.id}`, { method: 'DELETE' })).json()).toEqual({
      id: revoked.id,
      revoked: true,
    });
    expect((await as(revoked.token, '/me')).status).toBe(401);

    const expiring = await tokenOf('viewer', 'a week', 7);
    expect((await as(expiring.token, '/me')).status).toBe(200);
    await env.DB.prepare('UPDATE api_tokens SET expires_at = ? WHERE id = ?')
      .bind(new Date(Date.now() - 1000).toISOString(), expiring.id)
      .run();
    expect((await as(expiring.token, '/me')).status).toBe(401);
  });

  it('knows the owner’s ADMIN_TOKEN as the owner, an admin', async () => {
    expect(await (await admin('/me')).json()).toEqual({
      actor: { type: 'owner', id: 'owner', name: 'owner' },
      role: 'admin',
    });
  });
});
