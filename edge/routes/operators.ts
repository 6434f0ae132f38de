/**
 * @module The team (admin routes): who is asking (`GET /me`), API tokens (made with a role and an
 * optional expiry, shown once, stored as a hash, revoked at once), the roles of the people Access
 * signs in (`PUT/DELETE /operators/:email`), and the audit log (`GET /audit`). Each change is
 * audited in its own batch.
 */
import { Hono } from 'hono';
import * as z from 'zod';
import { ApiError } from '../errors.ts';
import { auditQuerySchema, auditStatement, callerOf, listAudit } from '../operators/audit.ts';
import { describeActor, homeDb, roleSchema, sha256Hex, TOKEN_PREFIX } from '../operators/identity.ts';
import { type AdminVariables, requires } from '../operators/roles.ts';
import { type JsonBodyVariables, jsonBody } from '../security/json-body.ts';
import { validJson, validQuery } from '../security/validate.ts';

const DAY_MS = 86_400_000;

const newTokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: roleSchema,
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

const operatorSchema = z.strictObject({ role: roleSchema });

/** A person's email as Access gives it, or a service token's common name (its client id). */
const operatorId = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[^\s@]+@[^\s@]+$|^[a-z0-9.-]+\.access$/, 'an email, or a service token’s client id (…​.access)')
  .max(200);

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

export const operatorRoutes = new Hono<{ Bindings: Env; Variables: AdminVariables & JsonBodyVariables }>()
  .get('/me', requires('viewer'), (c) => c.json(c.get('identity')))
  .post('/tokens', requires('admin'), jsonBody(), validJson(newTokenSchema), async (c) => {
    const { name, role, expiresInDays } = c.req.valid('json');
    const token = `${TOKEN_PREFIX}${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
    const id = crypto.randomUUID();
    const createdAt = new Date().toISOString();
    const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * DAY_MS).toISOString() : null;
    const db = homeDb(c.env);
    const by = c.get('identity').actor;
    await db.batch([
      db
        .prepare(
          'INSERT INTO api_tokens (id, name, role, token_hash, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .bind(id, name, role, await sha256Hex(token), createdAt, describeActor(by), expiresAt),
      auditStatement(db, callerOf(c), {
        action: 'token.create',
        target: `token:${id}`,
        details: { name, role, expiresAt },
      }),
    ]);
    return c.json({ id, name, role, token, expiresAt }, 201);
  })
  .get('/tokens', requires('admin'), async (c) => {
    const { results } = await homeDb(c.env)
      .prepare(
        `SELECT id, name, role, created_at, created_by, expires_at, last_used_at FROM api_tokens
         WHERE revoked_at IS NULL ORDER BY created_at DESC`,
      )
      .all<{
        id: string;
        name: string;
        role: string;
        created_at: string;
        created_by: string;
        expires_at: string | null;
        last_used_at: string | null;
      }>();
    return c.json({
      tokens: results.map((t) => ({
        id: t.id,
        name: t.name,
        role: t.role,
        createdAt: t.created_at,
        expiresAt: t.expires_at,
        lastUsedAt: t.last_used_at,
        createdBy: t.created_by,
      })),
    });
  })
  .delete('/tokens/:id', requires('admin'), async (c) => {
    const id = c.req.param('id');
    const db = homeDb(c.env);
    const [revoked] = await db.batch([
      db
        .prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
        .bind(new Date().toISOString(), id),
      auditStatement(db, callerOf(c), { action: 'token.revoke', target: `token:${id}` }),
    ]);
    if (!revoked?.meta.changes) throw new ApiError('not_found', 'No live token has this id');
    return c.json({ id, revoked: true });
  })
  .put('/operators/:email', requires('admin'), jsonBody(), validJson(operatorSchema), async (c) => {
    const email = operatorId.safeParse(c.req.param('email'));
    if (!email.success) {
      throw new ApiError('validation_failed', 'Not an operator id', {
        issues: [{ path: 'email', rule: 'format', message: 'Give an email, or a service token’s client id' }],
      });
    }
    const { role } = c.req.valid('json');
    const db = homeDb(c.env);
    const by = c.get('identity').actor;
    await db.batch([
      db
        .prepare(
          `INSERT INTO operators (id, role, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
           ON CONFLICT (id) DO UPDATE SET role = ?2, updated_at = ?3, updated_by = ?4`,
        )
        .bind(email.data, role, new Date().toISOString(), describeActor(by)),
      auditStatement(db, callerOf(c), { action: 'operator.set', target: `operator:${email.data}`, details: { role } }),
    ]);
    return c.json({ email: email.data, role });
  })
  .delete('/operators/:email', requires('admin'), async (c) => {
    const email = c.req.param('email').trim().toLowerCase();
    const db = homeDb(c.env);
    const [removed] = await db.batch([
      db.prepare('DELETE FROM operators WHERE id = ?').bind(email),
      auditStatement(db, callerOf(c), { action: 'operator.remove', target: `operator:${email}` }),
    ]);
    if (!removed?.meta.changes) throw new ApiError('not_found', 'No operator has this email');
    return c.json({ email, removed: true });
  })
  .get('/audit', requires('admin'), validQuery(auditQuerySchema), async (c) =>
    c.json(await listAudit(c.env, c.req.valid('query'))),
  );
