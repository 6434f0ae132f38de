/**
 * @module Admin routes (Bearer `ADMIN_TOKEN`): list leads, one lead with every delivery attempt, and
 * replay of failed deliveries. A delivered destination is never sent again.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { toApiIssues } from '../../shared/errors.ts';
import { LEAD_STATUSES } from '../../shared/lead.ts';
import { enqueueDeliveries } from '../delivery/queue.ts';
import { getLead, listAttempts, listDeliveries, markForReplay, refreshLeadStatus } from '../delivery/store.ts';
import { ApiError } from '../errors.ts';
import { adminAuth } from '../security/admin-auth.ts';

const listQuerySchema = z.strictObject({
  status: z.enum(LEAD_STATUSES).optional(),
  form: z.string().max(64).optional(),
  cursor: z
    .string()
    .regex(/^[0-9TZ:.-]+\|[0-9a-f-]+$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

interface LeadListRow {
  id: string;
  form_id: string;
  status: string;
  created_at: string;
  updated_at: string;
}

async function loadLead(db: D1Database, leadId: string) {
  const stored = await getLead(db, leadId);
  if (!stored) throw new ApiError('lead_not_found', 'No lead has this id');
  return stored;
}

export const adminRoutes = new Hono<{ Bindings: Env }>()
  .use('*', adminAuth())
  .get('/leads', async (c) => {
    const query = listQuerySchema.safeParse(c.req.query());
    if (!query.success) {
      throw new ApiError('validation_failed', 'The query is not valid', {
        issues: toApiIssues(query.error.issues, c.req.query()),
      });
    }
    const { status, form, cursor, limit } = query.data;
    const where: string[] = [];
    const binds: unknown[] = [];
    if (status) where.push('status = ?') && binds.push(status);
    if (form) where.push('form_id = ?') && binds.push(form);
    if (cursor) {
      const [createdAt, id] = cursor.split('|');
      where.push('(created_at, id) < (?, ?)');
      binds.push(createdAt, id);
    }
    const sql = `SELECT id, form_id, status, created_at, updated_at FROM leads ${
      where.length ? `WHERE ${where.join(' AND ')}` : ''
    } ORDER BY created_at DESC, id DESC LIMIT ?`;
    const { results } = await c.env.DB.prepare(sql)
      .bind(...binds, limit + 1)
      .all<LeadListRow>();
    const page = results.slice(0, limit);
    const last = page.at(-1);
    return c.json({
      leads: page.map((r) => ({
        leadId: r.id,
        formId: r.form_id,
        status: r.status,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      })),
      nextCursor: results.length > limit && last ? `${last.created_at}|${last.id}` : null,
    });
  })
  .get('/leads/:leadId', async (c) => {
    const { lead, status, updatedAt } = await loadLead(c.env.DB, c.req.param('leadId'));
    const deliveries = await listDeliveries(c.env.DB, lead.id);
    return c.json({
      leadId: lead.id,
      formId: lead.formId,
      status,
      createdAt: lead.createdAt,
      updatedAt,
      fields: lead.fields,
      consent: lead.consent,
      context: lead.context,
      ip: lead.ip,
      userAgent: lead.userAgent,
      deliveries: await Promise.all(
        deliveries.map(async (d) => ({
          provider: d.provider,
          destination: d.destination,
          status: d.status,
          attempts: d.attempts,
          reference: d.reference,
          lastError: d.last_error,
          attemptLog: (await listAttempts(c.env.DB, d.id)).map((a) => ({
            attempt: a.attempt,
            at: a.started_at,
            durationMs: a.duration_ms,
            httpStatus: a.http_status,
            outcome: a.outcome,
            reason: a.reason,
            response: a.response,
          })),
        })),
      ),
    });
  })
  .post('/leads/:leadId/replay', async (c) => {
    const { lead } = await loadLead(c.env.DB, c.req.param('leadId'));
    const replayable = (await listDeliveries(c.env.DB, lead.id)).filter(
      (d) => d.status === 'failed' || d.status === 'pending',
    );
    for (const d of replayable) await markForReplay(c.env.DB, d.id);
    await enqueueDeliveries(
      c.env.DELIVERIES,
      replayable.map((d) => ({ deliveryId: d.id, leadId: lead.id, formId: lead.formId, destination: d.destination })),
    );
    const status = replayable.length ? await refreshLeadStatus(c.env.DB, lead.id) : undefined;
    return c.json({ leadId: lead.id, replayed: replayable.map((d) => d.provider), status }, 202);
  });
