/**
 * @module Admin routes (Bearer `ADMIN_TOKEN`): list leads, one lead with every delivery, step and
 * attempt, replay of failed deliveries and steps (a delivered one is never sent again), LeadExec's
 * own view of a delivered lead (its request status), cancelling a lead where its provider can,
 * changing a lead's answers (sent on as an update where the provider takes one), actions at a
 * provider that has the lead (steps), a dry run of a form's destinations, any version of a form's
 * texts that a consumer was shown, and the archive's signed manifest of a day.
 */
import { Hono } from 'hono';
import * as z from 'zod';
import { LEAD_STATUSES } from '../../shared/lead.ts';
import { stats, statsQuerySchema } from '../analytics/stats.ts';
import { readManifest } from '../archive/manifests.ts';
import { attemptNow } from '../delivery/consumer.ts';
import { ConfigurationError } from '../delivery/destination.ts';
import { enqueueDeliveries, messageOf } from '../delivery/queue.ts';
import {
  changeLeadFields,
  getDelivery,
  insertStep,
  listAttempts,
  listDeliveries,
  markForReplay,
  refreshLeadStatus,
} from '../delivery/store.ts';
import { ApiError } from '../errors.ts';
import { forms } from '../forms/index.ts';
import { loadTexts } from '../forms/texts-history.ts';
import { checkSubmission, validationFailed } from '../intake/checks.ts';
import { audit, auditStatement, callerOf } from '../operators/audit.ts';
import { maskView } from '../operators/masking.ts';
import { type AdminVariables, identified, requires } from '../operators/roles.ts';
import { DryRunStop, dryRunTransport } from '../providers/http.ts';
import { adapterFor } from '../providers/registry.ts';
import type { CanonicalLead, DryRunResult, Transport } from '../providers/types.ts';
import { type JsonBodyVariables, jsonBody } from '../security/json-body.ts';
import { checked, validJson, validQuery } from '../security/validate.ts';
import { listLeads } from '../storage/lead-list.ts';
import { shards } from '../storage/shards.ts';
import { cancelAt, leadView, loadLead, loadLiveLead, providerCall } from './admin-lead.ts';
import { operatorRoutes } from './operators.ts';
import { subjectRoutes } from './subjects.ts';

const listQuerySchema = z.strictObject({
  status: z.enum(LEAD_STATUSES).optional(),
  form: z.string().max(64).optional(),
  cursor: z
    .string()
    .regex(/^[0-9TZ:.-]+\|[0-9a-f-]+$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

const fieldsBodySchema = z.strictObject({ fields: z.record(z.string(), z.unknown()) });
/** An action names its provider and kind; its own parameters are checked by that step's schema. */
const actionBodySchema = z.looseObject({ provider: z.string().max(32), kind: z.string().max(32) });

/**
 * A dry run of one destination: the provider's own test mode where it has one, otherwise the
 * adapter builds and checks the request as it would for a lead and is stopped before it leaves.
 * Nothing is created anywhere; the key never appears in the message.
 */
async function dryRun(env: Env, lead: CanonicalLead, index: number): Promise<DryRunResult> {
  const redact = (text: string, key: string) => (key ? text.replaceAll(key, '…') : text);
  let apiKey = '';
  let stopped: DryRunStop | undefined;
  const transport: Transport = (url, init) =>
    dryRunTransport(url, init).catch((error: unknown) => {
      if (error instanceof DryRunStop) stopped ??= error;
      throw error;
    });
  try {
    const { adapter, context } = providerCall(env, lead.formId, index);
    apiKey = context.apiKey;
    if (adapter.dryRun) {
      const result = await adapter.dryRun(lead, context);
      return { ok: result.ok, message: redact(result.message, apiKey) };
    }
    const result = await adapter.deliver(lead, { ...context, transport });
    if (!stopped && result.outcome !== 'delivered') return { ok: false, message: redact(result.reason, apiKey) };
  } catch (error) {
    if (!stopped) {
      const message = error instanceof ConfigurationError ? `configuration: ${error.message}` : String(error);
      return { ok: false, message: redact(message, apiKey) };
    }
  }
  if (!stopped) return { ok: false, message: 'the adapter built no request' };
  const { pathname } = new URL(stopped.url);
  return {
    ok: true,
    message: `would ${stopped.method} ${redact(pathname, apiKey)} (${stopped.bytes} bytes); the checks passed`,
  };
}

export const adminRoutes = new Hono<{ Bindings: Env; Variables: JsonBodyVariables & AdminVariables }>()
  .use('*', identified())
  .route('/', subjectRoutes)
  .route('/', operatorRoutes)
  .get('/leads', requires('viewer'), validQuery(listQuerySchema), async (c) => {
    return c.json(await listLeads(c.env, c.req.valid('query')));
  })
  .get('/leads/:leadId', requires('viewer'), async (c) => {
    const view = await leadView(c.env, c.req.param('leadId'));
    return c.json(c.var.identity.role === 'viewer' ? maskView(view) : view);
  })
  .post('/leads/:leadId/replay', requires('operator'), async (c) => {
    const { db, lead } = await loadLiveLead(c.env, c.req.param('leadId'));
    const failed = (await listDeliveries(db, lead.id)).filter((d) => d.status === 'failed');
    const audited = auditStatement(db, callerOf(c), {
      action: 'lead.replay',
      target: `lead:${lead.id}`,
      details: { deliveries: failed.map((d) => d.id) },
    });
    const marked = await markForReplay(
      db,
      failed.map((d) => d.id),
      [audited],
    );
    const replayable = failed.filter((_, i) => marked[i]);
    await enqueueDeliveries(
      c.env.DELIVERIES,
      replayable.map((d) => ({ deliveryId: d.id, leadId: lead.id, formId: lead.formId, destination: d.destination })),
    );
    const status = replayable.length ? await refreshLeadStatus(db, lead.id) : undefined;
    return c.json({ leadId: lead.id, replayed: replayable.map((d) => d.provider), status }, 202);
  })
  .get('/leads/:leadId/status', requires('viewer'), async (c) => {
    const { db, lead } = await loadLead(c.env, c.req.param('leadId'));
    // The first delivered destination whose provider gives an account of its leads.
    for (const delivery of await listDeliveries(db, lead.id)) {
      const adapter = adapterFor(delivery.provider);
      if (delivery.kind !== 'lead' || delivery.status !== 'delivered' || !adapter?.requestStatus) continue;
      const answers = (await listAttempts(db, delivery.id))
        .filter((a) => a.outcome === 'delivered')
        .map((a) => a.response ?? '');
      const status = await adapter.requestStatus(
        answers,
        providerCall(c.env, lead.formId, delivery.destination).context,
      );
      if (!status) break;
      if (!status.answered)
        throw new ApiError('upstream_failed', `${delivery.provider} did not answer the status request`);
      return c.json({
        leadId: lead.id,
        provider: delivery.provider,
        reference: delivery.reference,
        requestId: status.requestId,
        results: status.results,
      });
    }
    throw new ApiError('not_delivered', 'This lead has no delivery at a provider that reports status to ask about yet');
  })
  .post('/leads/:leadId/cancel', requires('operator'), async (c) => {
    const { db, lead } = await loadLiveLead(c.env, c.req.param('leadId'));
    const cancellable = (await listDeliveries(db, lead.id)).filter(
      (d) => d.kind === 'lead' && adapterFor(d.provider)?.cancel,
    );
    if (cancellable.length === 0) {
      throw new ApiError('no_dialler_destination', 'This lead was not sent to a provider that can cancel it');
    }
    const cancellations = await Promise.all(
      cancellable.map(async (d) => ({
        provider: d.provider,
        destination: d.destination,
        ...(await cancelAt(c.env, lead, d.destination)),
      })),
    );
    await audit(db, callerOf(c), {
      action: 'lead.cancel',
      target: `lead:${lead.id}`,
      details: { cancelled: cancellations.filter((x) => x.cancelled).map((x) => x.provider) },
    });
    return c.json({ leadId: lead.id, cancellations });
  })
  .patch('/leads/:leadId', requires('operator'), jsonBody(), validJson(fieldsBodySchema), async (c) => {
    const { db, lead } = await loadLiveLead(c.env, c.req.param('leadId'));
    const form = forms.get(lead.formId);
    if (!form) throw new ApiError('form_not_found', 'The form of this lead is no longer configured');
    const given = c.req.valid('json').fields;
    // The whole lead is checked again as it will be stored: a change cannot leave it invalid.
    const { fields } = checkSubmission(form, { fields: { ...lead.fields, ...given } }, { consents: false });
    const changes: Record<string, { from: string | boolean | null; to: string | boolean | null }> = {};
    for (const name of new Set([...Object.keys(lead.fields), ...Object.keys(fields)])) {
      const from = lead.fields[name] ?? null;
      const to = fields[name] ?? null;
      if (from !== to) changes[name] = { from, to };
    }
    if (Object.keys(changes).length === 0) return c.json({ leadId: lead.id, changeId: null, updates: [] });
    // The audit names the answers changed, never their values (lead_changes keeps those).
    const { id: changeId } = await changeLeadFields(db, lead, fields, changes, [
      auditStatement(db, callerOf(c), {
        action: 'lead.change',
        target: `lead:${lead.id}`,
        details: { fields: Object.keys(changes) },
      }),
    ]);
    const changed = Object.fromEntries(Object.keys(changes).map((name) => [name, fields[name] ?? '']));

    // Where a provider has the lead and takes updates, the change is sent on as a step, tried now.
    const updates = [];
    for (const delivery of await listDeliveries(db, lead.id)) {
      const takesUpdates = adapterFor(delivery.provider)?.steps?.update !== undefined;
      if (delivery.kind !== 'lead' || delivery.status !== 'delivered' || !takesUpdates) continue;
      const step = await insertStep(db, {
        leadId: lead.id,
        after: delivery,
        kind: 'update',
        payload: { fields: changed },
      });
      const message = messageOf(lead.formId, step);
      await attemptNow(c.env, message);
      const now = await getDelivery(db, step.id);
      updates.push({ provider: delivery.provider, stepId: step.id, status: now?.status ?? step.status });
    }
    await refreshLeadStatus(db, lead.id);
    return c.json({ leadId: lead.id, changeId, updates });
  })
  .post('/leads/:leadId/actions', requires('operator'), jsonBody(), validJson(actionBodySchema), async (c) => {
    const { db, lead } = await loadLiveLead(c.env, c.req.param('leadId'));
    const { provider, kind, ...parameters } = c.req.valid('json');
    const step = adapterFor(provider)?.steps?.[kind];
    if (!step) {
      throw validationFailed([{ path: 'kind', rule: 'option', message: `${provider} has no action "${kind}"` }]);
    }
    const payload = checked(step.schema, parameters);
    const delivery = (await listDeliveries(db, lead.id)).find(
      (d) => d.kind === 'lead' && d.provider === provider && d.status === 'delivered',
    );
    if (!delivery) throw new ApiError('not_delivered', `${provider} does not have this lead (yet): nothing to act on`);
    const row = await insertStep(db, { leadId: lead.id, after: delivery, kind, payload }, [
      auditStatement(db, callerOf(c), {
        action: 'lead.action',
        target: `lead:${lead.id}`,
        details: { provider, kind },
      }),
    ]);
    await enqueueDeliveries(c.env.DELIVERIES, [messageOf(lead.formId, row)]);
    return c.json({ actionId: row.id, status: row.status }, 202);
  })
  .get('/stats', requires('viewer'), validQuery(statsQuerySchema), async (c) => {
    return c.json(await stats(c.env, c.req.valid('query')));
  })
  .get('/archive/manifests/:day', requires('viewer'), async (c) => {
    const day = c.req.param('day');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) {
      throw validationFailed([{ path: 'day', rule: 'format', message: 'A day is YYYY-MM-DD (UTC)' }]);
    }
    const manifest = await readManifest(c.env, day);
    if (!manifest) {
      throw new ApiError('not_found', 'No manifest is sealed for this day: days are sealed after they end (UTC)');
    }
    return c.json(manifest);
  })
  .get('/forms/:formId/texts/:textsVersion', requires('viewer'), async (c) => {
    const texts = await loadTexts(
      shards(c.env).map((s) => s.db),
      c.req.param('formId'),
      c.req.param('textsVersion'),
    );
    if (!texts) throw new ApiError('not_found', 'No texts of this form have this version');
    return c.json(texts);
  })
  .post('/forms/:formId/test', requires('operator'), jsonBody(), validJson(fieldsBodySchema), async (c) => {
    const form = forms.get(c.req.param('formId'));
    if (!form) throw new ApiError('form_not_found', 'No form has this id');
    const given = c.req.valid('json').fields;
    const { fields } = checkSubmission(form, { fields: given }, { consents: false });
    const lead: CanonicalLead = {
      id: `dry-run-${crypto.randomUUID()}`,
      formId: form.id,
      fields,
      consent: Object.fromEntries(form.consents.map((d) => [d.name, true])),
      context: {},
      ip: null,
      userAgent: null,
      createdAt: new Date().toISOString(),
    };
    const destinations = await Promise.all(
      form.destinations.map(async (d, index) => ({ provider: d.provider, ...(await dryRun(c.env, lead, index)) })),
    );
    return c.json({ formId: form.id, destinations });
  });
