/**
 * @module One lead as the admin routes show it and act on it: the lead with every delivery, step
 * and attempt, its consent record, changes and, once erased, its tombstone; and the provider calls
 * the admin routes make about it (a cancel, for the cancel route and erasure alike).
 */
import { ConfigurationError, resolveDestination } from '../delivery/destination.ts';
import { deliverySettings } from '../delivery/settings.ts';
import { type DeliveryRow, getLead, listAttempts, listDeliveries, listLeadChanges } from '../delivery/store.ts';
import { ApiError } from '../errors.ts';
import { loadConsentRecord } from '../ping-post/sessions.ts';
import { loadErasure } from '../privacy/subjects.ts';
import type { CancelResult, CanonicalLead } from '../providers/types.ts';

export async function loadLead(db: D1Database, leadId: string) {
  const stored = await getLead(db, leadId);
  if (!stored) throw new ApiError('lead_not_found', 'No lead has this id');
  return stored;
}

/** A lead whose answers still exist: an erased or purged one cannot be changed, sent or acted on. */
export async function loadLiveLead(db: D1Database, leadId: string) {
  const stored = await loadLead(db, leadId);
  if (stored.purgedAt) throw new ApiError('lead_erased', "This lead's personal data was erased");
  return stored;
}

/** One delivery or step as the admin API shows it, with every attempt. */
async function deliveryView(db: D1Database, d: DeliveryRow) {
  return {
    id: d.id,
    provider: d.provider,
    destination: d.destination,
    kind: d.kind,
    ...(d.kind === 'lead' ? {} : { parameters: JSON.parse(d.payload ?? 'null') as unknown, afterId: d.after_id }),
    status: d.status,
    attempts: d.attempts,
    reference: d.reference,
    lastError: d.last_error,
    createdAt: d.created_at,
    attemptLog: (await listAttempts(db, d.id)).map((a) => ({
      attempt: a.attempt,
      at: a.started_at,
      durationMs: a.duration_ms,
      httpStatus: a.http_status,
      outcome: a.outcome,
      reason: a.reason,
      response: a.response,
    })),
  };
}

/** A stored lead as the admin API shows it. */
export async function leadView(db: D1Database, stored: NonNullable<Awaited<ReturnType<typeof getLead>>>) {
  const { lead, status, updatedAt, textsVersion, purgedAt, spill } = stored;
  const rows = await listDeliveries(db, lead.id);
  return {
    leadId: lead.id,
    formId: lead.formId,
    textsVersion,
    status,
    createdAt: lead.createdAt,
    updatedAt,
    purgedAt,
    // Came through the spill: D1 refused it at intake (why, and when), the maintenance run moved it in.
    spill,
    erasure: await loadErasure(db, lead.id),
    fields: lead.fields,
    consent: lead.consent,
    context: lead.context,
    ip: lead.ip,
    userAgent: lead.userAgent,
    consentRecord: await loadConsentRecord(db, lead.id),
    deliveries: await Promise.all(rows.filter((d) => d.kind === 'lead').map((d) => deliveryView(db, d))),
    steps: await Promise.all(rows.filter((d) => d.kind !== 'lead').map((d) => deliveryView(db, d))),
    changes: await listLeadChanges(db, lead.id),
  };
}

/**
 * One of a form's destinations as the admin routes call it: its adapter, and what the adapter needs
 * to call the provider, bounded by the delivery timeout.
 */
export function providerCall(env: Env, formId: string, destinationIndex: number) {
  const { adapter, destination, baseUrl, apiKey } = resolveDestination(env, formId, destinationIndex);
  const context = {
    options: destination.options,
    baseUrl,
    apiKey,
    signal: AbortSignal.timeout(deliverySettings(env).timeoutMs),
  };
  return { adapter, context };
}

/**
 * Cancels the lead at one destination whose provider can take a lead back. Not reaching the
 * provider is an answer too, so one destination that fails never hides the others.
 */
export async function cancelAt(env: Env, lead: CanonicalLead, destinationIndex: number): Promise<CancelResult> {
  try {
    const { adapter, context } = providerCall(env, lead.formId, destinationIndex);
    if (!adapter.cancel) return { cancelled: false, warning: 'this provider cannot cancel a lead', httpStatus: null };
    return await adapter.cancel(lead, context);
  } catch (error) {
    const warning =
      error instanceof ConfigurationError ? `configuration: ${error.message}` : 'the provider could not be reached';
    return { cancelled: false, warning, httpStatus: null };
  }
}
