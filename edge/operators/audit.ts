/**
 * @module The audit log: one entry per admin request that changes something or reads personal
 * data in bulk (who, with which role, what, on what, when, from where, the parameters without
 * secrets). An entry about a lead is written in the lead's shard, in the very batch that makes the
 * change; any other in shard 0. No route edits or deletes an entry; an erasure redacts the personal
 * data inside the entries about that person (their identifier, in `details`) and keeps the entries.
 */
import * as z from 'zod';
import { clientIp } from '../intake/checks.ts';
import { shards } from '../storage/shards.ts';
import { actorSchema, type Identity, roleSchema } from './identity.ts';
import type { AdminVariables } from './roles.ts';

export interface AuditEvent {
  action: string;
  target: string | null;
  details?: Record<string, unknown>;
}

/** Who made an admin request, and from where. */
export interface Caller {
  identity: Identity;
  ip: string | null;
}

export function callerOf(c: { var: AdminVariables; req: { raw: Request } }): Caller {
  return { identity: c.var.identity, ip: clientIp(c.req.raw) };
}

/** The statement that records `event` as done by `caller`, for the change's own batch. */
export function auditStatement(db: D1Database, caller: Caller, event: AuditEvent): D1PreparedStatement {
  const { actor, role } = caller.identity;
  return db
    .prepare(
      `INSERT INTO audit_log (id, at, actor_type, actor_id, actor_name, role, action, target, ip, details)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      `${new Date().toISOString()}-${crypto.randomUUID()}`,
      new Date().toISOString(),
      actor.type,
      actor.id,
      actor.name,
      role,
      event.action,
      event.target,
      caller.ip,
      JSON.stringify(event.details ?? {}),
    );
}

/** Records an event that has no D1 change of its own (a bulk read, a call to a provider). */
export async function audit(db: D1Database, caller: Caller, event: AuditEvent): Promise<void> {
  await auditStatement(db, caller, event).run();
}

/** The target an erasure finds a person's entries by: their identifier's hash, never the identifier. */
export const subjectTarget = (hash: string) => `subject:${hash}`;

/** Replaces the identifier inside every entry about this person (`target`), in every shard. */
export function redactStatements(env: Env, target: string): D1PreparedStatement[] {
  return shards(env).flatMap(({ db }) =>
    ['$.email', '$.phone'].map((path) =>
      db
        .prepare(
          `UPDATE audit_log SET details = json_set(details, ?2, '[erased]') WHERE target = ?1 AND json_type(details, ?2) IS NOT NULL`,
        )
        .bind(target, path),
    ),
  );
}

export const auditQuerySchema = z.strictObject({
  actor: z.string().max(200).optional(),
  action: z.string().max(64).optional(),
  target: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: actorSchema,
  role: roleSchema,
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

interface AuditRow {
  id: string;
  at: string;
  actor_type: AuditEntry['actor']['type'];
  actor_id: string;
  actor_name: string;
  role: AuditEntry['role'];
  action: string;
  target: string | null;
  ip: string | null;
  details: string;
}

/** The log, newest first, over every shard: each shard's page after the cursor, merged by id. */
export async function listAudit(env: Env, q: z.infer<typeof auditQuerySchema>) {
  const where: string[] = [];
  const bind: unknown[] = [];
  const add = (sql: string, value: unknown) => value !== undefined && where.push(sql) && bind.push(value);
  add('actor_id = ?', q.actor);
  add('action = ?', q.action);
  add('target = ?', q.target);
  add('at >= ?', q.from && new Date(q.from).toISOString());
  add('at <= ?', q.to && new Date(q.to).toISOString());
  add('id < ?', q.cursor);
  const pages = await Promise.all(
    shards(env).map(({ db }) =>
      db
        .prepare(
          `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
        )
        .bind(...bind, q.limit + 1)
        .all<AuditRow>(),
    ),
  );
  const rows = pages.flatMap((p) => p.results).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const page = rows.slice(0, q.limit);
  return {
    entries: page.map(
      (r): AuditEntry => ({
        id: r.id,
        at: r.at,
        actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
        role: r.role,
        action: r.action,
        target: r.target,
        ip: r.ip,
        details: JSON.parse(r.details) as Record<string, unknown>,
      }),
    ),
    cursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
