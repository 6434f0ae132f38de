/**
 * @module Admin routes (Bearer `ADMIN_TOKEN`): list leads, one lead with every delivery attempt, and
 * replay of failed deliveries (a delivered destination is never sent again), and LeadExec's own view
 * of a delivered lead (its request status), and cancelling a lead at its dialler destinations.
 */
import { Hono } from 'hono';
import * as z from 'zod';
import { toApiIssues } from '../../shared/errors.ts';
import { LEAD_STATUSES } from '../../shared/lead.ts';
import { ConfigurationError, resolveDestination } from '../delivery/destination.ts';
import { enqueueDeliveries } from '../delivery/queue.ts';
import { deliverySettings } from '../delivery/settings.ts';
import { getLead, listAttempts, listDeliveries, markForReplay, refreshLeadStatus } from '../delivery/store.ts';
import { ApiError } from '../errors.ts';
import { loadConsentRecord } from '../ping-post/sessions.ts';
import { cancelDiallerLead, type DiallerOptions } from '../providers/dialler.ts';
import { type LeadExecOptions, requestIdOf, requestStatus } from '../providers/leadexec.ts';
import type { CanonicalLead } from '../providers/types.ts';
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

/**
 * Cancels the lead at one dialler destination. Not reaching the dialler is an answer too, so one
 * destination that fails never hides the others.
 */
async function cancelAtDialler(env: Env, lead: CanonicalLead, destinationIndex: number) {
  try {
    const { destination, baseUrl, apiKey } = resolveDestination(env, lead.formId, destinationIndex);
    const result = await cancelDiallerLead(lead, {
      // Checked against the dialler schema when the relay started.
      options: destination.options as DiallerOptions,
      baseUrl,
      apiKey,
      signal: AbortSignal.timeout(deliverySettings(env).timeoutMs),
    });
    // The dialler's answer body stays out: the warning is what it means.
    return result.cancelled
      ? { cancelled: true, httpStatus: result.httpStatus }
      : { cancelled: false, warning: result.warning, httpStatus: result.httpStatus };
  } catch (error) {
    const warning =
      error instanceof ConfigurationError ? `configuration: ${error.message}` : 'the dialler could not be reached';
    return { cancelled: false, warning, httpStatus: null };
  }
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
      consentRecord: await loadConsentRecord(c.env.DB, lead.id),
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
    const replayable = [];
    for (const d of await listDeliveries(c.env.DB, lead.id)) {
      if (await markForReplay(c.env.DB, d.id)) replayable.push(d);
    }
    await enqueueDeliveries(
      c.env.DELIVERIES,
      replayable.map((d) => ({ deliveryId: d.id, leadId: lead.id, formId: lead.formId, destination: d.destination })),
    );
    const status = replayable.length ? await refreshLeadStatus(c.env.DB, lead.id) : undefined;
    return c.json({ leadId: lead.id, replayed: replayable.map((d) => d.provider), status }, 202);
  })
  .get('/leads/:leadId/status', async (c) => {
    const { lead } = await loadLead(c.env.DB, c.req.param('leadId'));
    const delivery = (await listDeliveries(c.env.DB, lead.id)).find(
      (d) => d.provider === 'leadexec' && d.status === 'delivered',
    );
    // LeadExec's status takes the insert's requestId (kept in the delivered attempt's answer), not its lead id.
    const attempts = delivery ? await listAttempts(c.env.DB, delivery.id) : [];
    const requestId = attempts
      .filter((a) => a.outcome === 'delivered')
      .map((a) => requestIdOf(a.response ?? ''))
      .find(Boolean);
    if (!delivery || !requestId) {
      throw new ApiError('not_delivered', 'This lead has no delivery at LeadExec to ask about yet');
    }
    const { destination, baseUrl, apiKey } = resolveDestination(c.env, lead.formId, delivery.destination);
    const answer = await requestStatus(
      {
        // Checked against the LeadExec schema when the relay started.
        options: destination.options as LeadExecOptions,
        baseUrl,
        apiKey,
        signal: AbortSignal.timeout(deliverySettings(c.env).timeoutMs),
      },
      requestId,
    ).catch(() => undefined);
    if (answer?.outcome !== 'answered') {
      throw new ApiError('upstream_failed', 'LeadExec did not answer the status request');
    }
    return c.json({
      leadId: lead.id,
      provider: 'leadexec',
      reference: delivery.reference,
      requestId: answer.body.requestId,
      results: answer.body.results,
    });
  })
  .post('/leads/:leadId/cancel', async (c) => {
    const { lead } = await loadLead(c.env.DB, c.req.param('leadId'));
    const diallerDeliveries = (await listDeliveries(c.env.DB, lead.id)).filter((d) => d.provider === 'dialler');
    if (diallerDeliveries.length === 0) {
      throw new ApiError('no_dialler_destination', 'This lead was not sent to a dialler: nothing to cancel');
    }
    const cancellations = await Promise.all(
      diallerDeliveries.map(async (d) => ({
        provider: d.provider,
        destination: d.destination,
        ...(await cancelAtDialler(c.env, lead, d.destination)),
      })),
    );
    return c.json({ leadId: lead.id, cancellations });
  });
