/**
 * @module One lead as the admin routes find it, in its shard's D1 or in the archive, show it (with
 * every delivery, step and attempt, its consent record, changes and, once erased, its tombstone) and
 * act on it; and the provider calls the admin routes make about it (a cancel, for the cancel route
 * and erasure alike).
 */
import { archivedView, findArchived, readArchived } from '../archive/archive.ts';
import { certificateOf, loadLeadRecords, viewOf } from '../archive/lead-record.ts';
import { ConfigurationError, resolveDestination } from '../delivery/destination.ts';
import { deliverySettings } from '../delivery/settings.ts';
import { getLead } from '../delivery/store.ts';
import { ApiError } from '../errors.ts';
import type { CancelResult, CanonicalLead } from '../providers/types.ts';
import { dbOf } from '../storage/shards.ts';

const notFound = () => new ApiError('lead_not_found', 'No lead has this id');

/**
 * A lead in D1, with the database it lives in, for the routes that act on it; an archived lead
 * answers 409 lead_archived (it can be read, exported and erased, nothing more).
 */
export async function loadLead(env: Env, leadId: string) {
  const db = dbOf(env, leadId);
  const stored = await getLead(db, leadId);
  if (stored) return { db, ...stored };
  if (await findArchived(env, leadId)) {
    throw new ApiError('lead_archived', 'This lead is archived: it can be read, exported or erased, not acted on');
  }
  throw notFound();
}

/** A lead whose answers still exist: an erased or purged one cannot be changed, sent or acted on. */
export async function loadLiveLead(env: Env, leadId: string) {
  const stored = await loadLead(env, leadId);
  if (stored.purgedAt) throw new ApiError('lead_erased', "This lead's personal data was erased");
  return stored;
}

/** A lead as the admin API shows it, from D1 or from the archive (`archived` says which). */
export async function leadView(env: Env, leadId: string) {
  const record = (await loadLeadRecords(dbOf(env, leadId), [leadId])).get(leadId);
  if (record) return { ...viewOf(record), archived: false as const };
  const row = await findArchived(env, leadId);
  if (!row) throw notFound();
  return archivedView(row, await readArchived(env, row));
}

/** A lead's consent certificate, unsigned, from D1 or from the archive. */
export async function leadCertificate(env: Env, leadId: string) {
  const record = (await loadLeadRecords(dbOf(env, leadId), [leadId])).get(leadId);
  if (record) return certificateOf(record);
  const row = await findArchived(env, leadId);
  if (!row) throw notFound();
  return (await readArchived(env, row)).certificate;
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
