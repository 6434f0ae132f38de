/**
 * @module Leads, deliveries and attempts in D1. Every write that must happen together is one batch,
 * so a lead never exists without its delivery rows.
 */
import type { DeliveryStatus, LeadAccepted, LeadContext, LeadStatus } from '../../shared/lead.ts';
import { forms, textsVersion } from '../forms/index.ts';
import { keepTextsVersionStatement, textsForLead } from '../forms/texts-history.ts';
import { type ConsentRecord, consentRecordStatement } from '../ping-post/sessions.ts';
import { snapshotStatement } from '../privacy/consent-snapshots.ts';
import { identifierHashes } from '../privacy/personal-data.ts';
import type { CanonicalLead, DeliveryResult, FollowUp } from '../providers/types.ts';

export interface NewLead {
  lead: CanonicalLead;
  idempotencyKey: string | null;
  bodyHash: string;
  providers: readonly string[];
  /** Each provider's index among the form's destinations, when not all of them deliver. */
  destinations?: readonly number[];
  /** Per provider (same order), the steps its delivery brings with it; they wait for it. */
  followUps?: readonly (readonly FollowUp[])[];
  /** The consent section's markup as the widget rendered it at submit, kept with the lead. */
  consentMarkup?: string;
  /** A post's consent evidence (every offer shown, its text, whether chosen), kept with the lead. */
  consentRecord?: ConsentRecord;
}

/** What a lead that came through the spill carries into D1: the texts it was shown, when and why. */
export interface SpillMark {
  spilledAt: string;
  reason: string;
  importedAt: string;
  texts: { version: string; texts: unknown };
}

export interface DeliveryRow {
  id: string;
  lead_id: string;
  destination: number;
  provider: string;
  /** `lead` for the lead's own delivery; otherwise the step's kind (a LeadExec `update`, a Getlead `note`, …). */
  kind: string;
  /** A step's parameters, as JSON; null for a lead's delivery. */
  payload: string | null;
  /** The delivery a step needs delivered before it runs. */
  after_id: string | null;
  status: DeliveryStatus;
  attempts: number;
  replay_from: number;
  reference: string | null;
  last_error: string | null;
  /** When a retrying delivery is due again. */
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface LeadRow {
  id: string;
  form_id: string;
  status: LeadStatus;
  fields: string;
  consent: string;
  context: string;
  ip: string | null;
  user_agent: string | null;
  idempotency_key: string | null;
  body_hash: string;
  ping_post: string | null;
  texts_version: string | null;
  purged_at: string | null;
  spilled_at: string | null;
  spill_reason: string | null;
  imported_at: string | null;
  email_hash: string | null;
  phone_hash: string | null;
  origin: string | null;
  created_at: string;
  updated_at: string;
}

export interface AttemptRow {
  attempt: number;
  started_at: string;
  duration_ms: number;
  http_status: number | null;
  outcome: DeliveryResult['outcome'];
  reason: string | null;
  response: string | null;
}

export function deliveryId(leadId: string, destination: number): string {
  return `${leadId}.${destination}`;
}

/**
 * The statements that store a lead and one delivery per destination, its steps, its consent
 * snapshot and record, all in one batch, so none exists without the others; and the deliveries as
 * stored. The version of its form's texts goes with it, and those texts into their history if new:
 * a spilled lead's own, as they were when it was spilled. `written` records, once the batch has
 * run, that this isolate wrote the texts.
 */
export function leadWrite(db: D1Database, input: NewLead, spill?: SpillMark) {
  const { lead } = input;
  const now = lead.createdAt;
  const touched = spill?.importedAt ?? now;
  const deliveries = plannedDeliveries(input, touched);
  const steps = deliveries.flatMap((after, i) =>
    (input.followUps?.[i] ?? []).map((followUp) => stepRow(lead.id, after, followUp, now, touched)),
  );
  const form = forms.get(lead.formId);
  const { emailHash, phoneHash } = identifierHashes(form, lead.fields);
  const texts = spill
    ? {
        statements: [keepTextsVersionStatement(db, lead.formId, spill.texts, spill.spilledAt)],
        written: () => undefined,
      }
    : form
      ? textsForLead(db, form, now)
      : undefined;
  const statements = [
    ...(texts?.statements ?? []),
    db
      .prepare(
        `INSERT INTO leads (id, form_id, status, fields, consent, context, ip, user_agent, idempotency_key, body_hash, ping_post, texts_version, email_hash, phone_hash, origin, spilled_at, spill_reason, imported_at, created_at, updated_at)
         VALUES (?, ?, 'accepted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        lead.id,
        lead.formId,
        JSON.stringify(lead.fields),
        JSON.stringify(lead.consent),
        JSON.stringify(lead.context),
        lead.ip,
        lead.userAgent,
        input.idempotencyKey,
        input.bodyHash,
        lead.pingPost ? JSON.stringify(lead.pingPost) : null,
        spill ? spill.texts.version : form ? textsVersion(form) : null,
        emailHash,
        phoneHash,
        originOf(lead.context.pageUrl),
        spill?.spilledAt ?? null,
        spill?.reason ?? null,
        spill?.importedAt ?? null,
        now,
        touched,
      ),
    ...deliveries.map((d) =>
      db
        .prepare(
          'INSERT INTO deliveries (id, lead_id, destination, provider, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .bind(d.id, d.lead_id, d.destination, d.provider, d.status, d.created_at, d.updated_at),
    ),
    ...steps.map((step) => insertStepStatement(db, step)),
    ...(input.consentMarkup ? [snapshotStatement(db, lead, input.consentMarkup)] : []),
    ...(input.consentRecord ? [consentRecordStatement(db, input.consentRecord)] : []),
  ];
  return { statements, deliveries, written: () => texts?.written() };
}

/** A new lead's deliveries as they are stored: pending, untried, one per destination. */
export function plannedDeliveries(input: NewLead, touched = input.lead.createdAt): DeliveryRow[] {
  const { lead } = input;
  return input.providers.map((provider, i) => {
    const destination = input.destinations?.[i] ?? i;
    return newRow(
      { id: deliveryId(lead.id, destination), lead_id: lead.id, destination, provider },
      lead.createdAt,
      touched,
    );
  });
}

/** Stores a lead as `leadWrite` says, in one batch; answers its deliveries. */
export async function insertLead(db: D1Database, input: NewLead, spill?: SpillMark): Promise<DeliveryRow[]> {
  const write = leadWrite(db, input, spill);
  await db.batch(write.statements);
  write.written();
  return write.deliveries;
}

/** The partner site of a page (its origin), for the numbers by origin; null when it is not a web page. */
function originOf(pageUrl: string | undefined): string | null {
  if (!pageUrl) return null;
  try {
    const url = new URL(pageUrl);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** A delivery or step as it is first stored: pending, untried. */
function newRow(
  row: Pick<DeliveryRow, 'id' | 'lead_id' | 'destination' | 'provider'> & Partial<DeliveryRow>,
  now: string,
  touched = now,
): DeliveryRow {
  return {
    kind: 'lead',
    payload: null,
    after_id: null,
    status: 'pending',
    attempts: 0,
    replay_from: 0,
    reference: null,
    last_error: null,
    next_attempt_at: null,
    created_at: now,
    updated_at: touched,
    ...row,
  };
}

function stepRow(leadId: string, after: DeliveryRow, step: FollowUp, now: string, touched = now): DeliveryRow {
  return newRow(
    {
      id: crypto.randomUUID(),
      lead_id: leadId,
      destination: after.destination,
      provider: after.provider,
      kind: step.kind,
      payload: JSON.stringify(step.payload),
      after_id: after.id,
    },
    now,
    touched,
  );
}

function insertStepStatement(db: D1Database, row: DeliveryRow): D1PreparedStatement {
  return db
    .prepare(
      'INSERT INTO deliveries (id, lead_id, destination, provider, kind, payload, after_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .bind(
      row.id,
      row.lead_id,
      row.destination,
      row.provider,
      row.kind,
      row.payload,
      row.after_id,
      row.status,
      row.created_at,
      row.updated_at,
    );
}

/** The lead already stored under this idempotency key, if any. */
export async function findByIdempotencyKey(
  db: D1Database,
  formId: string,
  key: string,
): Promise<{ leadId: string; bodyHash: string } | null> {
  const row = await db
    .prepare('SELECT id, body_hash FROM leads WHERE form_id = ? AND idempotency_key = ?')
    .bind(formId, key)
    .first<{ id: string; body_hash: string }>();
  return row ? { leadId: row.id, bodyHash: row.body_hash } : null;
}

function toCanonical(row: LeadRow): CanonicalLead {
  const lead: CanonicalLead = {
    id: row.id,
    formId: row.form_id,
    fields: JSON.parse(row.fields),
    consent: JSON.parse(row.consent),
    context: JSON.parse(row.context) as LeadContext,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
  };
  if (row.ping_post) lead.pingPost = JSON.parse(row.ping_post);
  return lead;
}

export function storedLead(row: LeadRow | null) {
  return row
    ? {
        lead: toCanonical(row),
        status: row.status,
        updatedAt: row.updated_at,
        textsVersion: row.texts_version,
        purgedAt: row.purged_at,
        spill: row.spilled_at
          ? { spilledAt: row.spilled_at, reason: row.spill_reason, importedAt: row.imported_at }
          : null,
      }
    : null;
}

export async function getLead(db: D1Database, leadId: string) {
  return storedLead(await db.prepare('SELECT * FROM leads WHERE id = ?').bind(leadId).first<LeadRow>());
}

export type DeliveryAndLead = { delivery: DeliveryRow | null; stored: ReturnType<typeof storedLead> };

/**
 * Deliveries and their leads, all in one round trip: what every attempt reads first, for a whole
 * queue batch at once.
 */
export async function getDeliveriesAndLeads(
  db: D1Database,
  wanted: readonly { deliveryId: string; leadId: string }[],
): Promise<DeliveryAndLead[]> {
  if (wanted.length === 0) return [];
  const results = await db.batch<DeliveryRow | LeadRow>(
    wanted.flatMap(({ deliveryId: id, leadId }) => [
      db.prepare('SELECT * FROM deliveries WHERE id = ?').bind(id),
      db.prepare('SELECT * FROM leads WHERE id = ?').bind(leadId),
    ]),
  );
  return wanted.map((_, i) => ({
    delivery: (results[2 * i]?.results[0] as DeliveryRow | undefined) ?? null,
    stored: storedLead((results[2 * i + 1]?.results[0] as LeadRow | undefined) ?? null),
  }));
}

export async function getDelivery(db: D1Database, id: string): Promise<DeliveryRow | null> {
  return db.prepare('SELECT * FROM deliveries WHERE id = ?').bind(id).first<DeliveryRow>();
}

/** A lead's deliveries, then its steps in the order they were made. */
export async function listDeliveries(db: D1Database, leadId: string): Promise<DeliveryRow[]> {
  const { results } = await db
    .prepare("SELECT * FROM deliveries WHERE lead_id = ? ORDER BY kind != 'lead', destination, created_at")
    .bind(leadId)
    .all<DeliveryRow>();
  return results;
}

export interface NewStep {
  leadId: string;
  /** The lead's delivery at the provider the step calls: its destination, and what must be delivered first. */
  after: DeliveryRow;
  kind: string;
  payload: unknown;
}

/** Stores a step, pending, and the lead's status with it. */
export async function insertStep(
  db: D1Database,
  step: NewStep,
  also: readonly D1PreparedStatement[] = [],
): Promise<DeliveryRow> {
  const row = stepRow(step.leadId, step.after, { kind: step.kind, payload: step.payload }, new Date().toISOString());
  await db.batch([insertStepStatement(db, row), leadStatusStatement(db, step.leadId), ...also]);
  return row;
}

/**
 * Deliveries and steps that should be on the queue but are not: a lead's delivery untouched well
 * after it was stored, a step untouched well after the delivery it follows was delivered, an
 * attempt claimed by a consumer that died, a retry well past its due time (a queue that lost its
 * message: a local queue on restart). They are marked as seen now, so one still waiting on a busy
 * queue is sent again at most once per `olderThan` window; a second message for one delivery is
 * harmless, since only one claim of an attempt succeeds. The rows are found through the index of
 * open deliveries by due time (migration 0009), so rows not yet due are never read; the rows taken
 * are no longer older than `olderThan`, so calling it again takes the next page.
 */
export async function takeStranded(
  db: D1Database,
  olderThan: string,
  limit = 500,
): Promise<(DeliveryRow & { form_id: string })[]> {
  const { results } = await db
    .prepare(
      `UPDATE deliveries SET updated_at = ?3 WHERE id IN (
         SELECT d.id FROM deliveries d LEFT JOIN deliveries a ON a.id = d.after_id
         WHERE d.status IN ('pending', 'retrying') AND COALESCE(d.next_attempt_at, d.updated_at) < ?1 AND d.updated_at < ?1
           AND (d.kind = 'lead' OR (a.status = 'delivered' AND a.updated_at < ?1))
         ORDER BY COALESCE(d.next_attempt_at, d.updated_at) LIMIT ?2)
       RETURNING *`,
    )
    // Marked no earlier than `olderThan`, so the rows taken are never taken again by the same sweep.
    .bind(olderThan, limit, new Date(Math.max(Date.now(), Date.parse(olderThan) + 1)).toISOString())
    .all<DeliveryRow>();
  if (results.length === 0) return [];
  const forms = await db
    .prepare('SELECT id, form_id FROM leads WHERE id IN (SELECT value FROM json_each(?))')
    .bind(JSON.stringify([...new Set(results.map((d) => d.lead_id))]))
    .all<{ id: string; form_id: string }>();
  const formOf = new Map(forms.results.map((l) => [l.id, l.form_id]));
  return results.map((d) => ({ ...d, form_id: formOf.get(d.lead_id) ?? '' }));
}

/** Steps waiting for this delivery: they may run once it is delivered. */
function waitingStepsStatement(db: D1Database, deliveryIdValue: string): D1PreparedStatement {
  return db
    .prepare("SELECT * FROM deliveries WHERE after_id = ? AND status = 'pending' AND attempts = 0")
    .bind(deliveryIdValue);
}

export async function waitingSteps(db: D1Database, deliveryIdValue: string): Promise<DeliveryRow[]> {
  const { results } = await waitingStepsStatement(db, deliveryIdValue).all<DeliveryRow>();
  return results;
}

/**
 * The steps waiting for a delivery its provider refused will never run: they are refused too, with
 * the reason, so the lead shows what happened instead of waiting for ever.
 */
export async function refuseWaitingSteps(db: D1Database, deliveryIdValue: string, leadId: string): Promise<void> {
  await db.batch([
    db
      .prepare(
        "UPDATE deliveries SET status = 'rejected', last_error = 'not sent: the delivery it follows was refused', updated_at = ? WHERE after_id = ? AND status = 'pending'",
      )
      .bind(new Date().toISOString(), deliveryIdValue),
    leadStatusStatement(db, leadId),
  ]);
}

/** Stores a lead's changed answers with what changed and when, in one batch. */
export async function changeLeadFields(
  db: D1Database,
  { id: leadId, formId }: Pick<CanonicalLead, 'id' | 'formId'>,
  fields: CanonicalLead['fields'],
  changes: Record<string, { from: string | boolean | null; to: string | boolean | null }>,
  also: readonly D1PreparedStatement[] = [],
): Promise<{ id: string; changedAt: string }> {
  const changedAt = new Date().toISOString();
  const id = crypto.randomUUID();
  const { emailHash, phoneHash } = identifierHashes(forms.get(formId), fields);
  await db.batch([
    db
      .prepare('UPDATE leads SET fields = ?, email_hash = ?, phone_hash = ?, updated_at = ? WHERE id = ?')
      .bind(JSON.stringify(fields), emailHash, phoneHash, changedAt, leadId),
    db
      .prepare('INSERT INTO lead_changes (id, lead_id, changed_at, changes) VALUES (?, ?, ?, ?)')
      .bind(id, leadId, changedAt, JSON.stringify(changes)),
    ...also,
  ]);
  return { id, changedAt };
}

export interface LeadChangeRow {
  id: string;
  changed_at: string;
  changes: string;
}

export function leadChangeOf(r: LeadChangeRow) {
  return { changeId: r.id, changedAt: r.changed_at, changes: JSON.parse(r.changes) as unknown };
}

export async function listAttempts(db: D1Database, deliveryIdValue: string): Promise<AttemptRow[]> {
  const { results } = await db
    .prepare(
      'SELECT attempt, started_at, duration_ms, http_status, outcome, reason, response FROM attempts WHERE delivery_id = ? ORDER BY attempt',
    )
    .bind(deliveryIdValue)
    .all<AttemptRow>();
  return results;
}

/**
 * The lead's status follows from its deliveries and its settled steps: still waiting, all through,
 * some, none. A step still running leaves the status alone (a delivered lead whose status change is
 * on its way is still delivered); a step that failed or was refused counts like a delivery, so a
 * delivered lead with a failed note is partially delivered. One statement reads and writes it, so
 * two deliveries finishing at once cannot leave a stale status. No deliveries at all means the
 * consumer chose none of the offers and nothing else delivers.
 */
function leadStatusStatement(db: D1Database, leadId: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE leads SET updated_at = ?1, status = (
         SELECT CASE
           WHEN COUNT(*) = 0 THEN 'rejected'
           WHEN SUM(kind = 'lead' AND status IN ('pending', 'retrying')) > 0 THEN 'accepted'
           WHEN SUM(status = 'delivered') = SUM(status NOT IN ('pending', 'retrying')) THEN 'delivered'
           WHEN SUM(status = 'delivered') > 0 THEN 'partially_delivered'
           WHEN SUM(status = 'rejected') = SUM(status NOT IN ('pending', 'retrying')) THEN 'rejected'
           ELSE 'failed'
         END FROM deliveries WHERE lead_id = ?2)
       WHERE id = ?2 RETURNING status`,
    )
    .bind(new Date().toISOString(), leadId);
}

export interface AttemptRecord {
  deliveryId: string;
  leadId: string;
  attempt: number;
  startedAt: string;
  durationMs: number;
  result: DeliveryResult;
  status: DeliveryStatus;
  /** For a retrying delivery: when the queue will bring it back. */
  nextAttemptAt?: string;
}

/** SQL true while the lead `?` still has its personal data. */
const LEAD_UNPURGED = '(SELECT purged_at FROM leads WHERE id = ?) IS NULL';

/**
 * Records one attempt and its consequence for the delivery and the lead, in one batch, and for a
 * delivery now delivered answers the steps waiting for it, read in the same round trip. An attempt
 * that was already under way when the lead's personal data was removed is recorded without the
 * provider's answer, and unless it delivered, leaves the delivery refused, never to be retried.
 */
export async function recordAttempt(db: D1Database, record: AttemptRecord): Promise<DeliveryRow[]> {
  const { result } = record;
  const now = new Date().toISOString();
  const reason = result.outcome === 'delivered' ? null : result.reason;
  const reference = result.outcome === 'delivered' ? result.reference : null;
  const results = await db.batch<DeliveryRow>([
    db
      .prepare(
        `INSERT INTO attempts (delivery_id, attempt, started_at, duration_ms, http_status, outcome, reason, response)
         SELECT ?, ?, ?, ?, ?, ?, CASE WHEN ${LEAD_UNPURGED} THEN ? END, CASE WHEN ${LEAD_UNPURGED} THEN ? END`,
      )
      .bind(
        record.deliveryId,
        record.attempt,
        record.startedAt,
        record.durationMs,
        result.httpStatus,
        result.outcome,
        record.leadId,
        reason,
        record.leadId,
        result.response,
      ),
    db
      .prepare(
        `UPDATE deliveries SET status = ?, attempts = ?, reference = COALESCE(?, reference), last_error = ?, next_attempt_at = ?, updated_at = ?
         WHERE id = ? AND (? = 'delivered' OR ${LEAD_UNPURGED})`,
      )
      .bind(
        record.status,
        record.attempt,
        reference,
        reason,
        record.nextAttemptAt ?? null,
        now,
        record.deliveryId,
        record.status,
        record.leadId,
      ),
    leadStatusStatement(db, record.leadId),
    ...(record.status === 'delivered' ? [waitingStepsStatement(db, record.deliveryId)] : []),
  ]);
  return record.status === 'delivered' ? (results.at(-1)?.results ?? []) : [];
}

export async function setDeliveryStatus(
  db: D1Database,
  id: string,
  status: DeliveryStatus,
  lastError: string | null,
): Promise<void> {
  await db
    .prepare('UPDATE deliveries SET status = ?, last_error = COALESCE(?, last_error), updated_at = ? WHERE id = ?')
    .bind(status, lastError, new Date().toISOString(), id)
    .run();
}

/**
 * Sends a failed delivery again with a fresh budget of attempts. Only one caller wins a failed
 * delivery, so two replays (or a replay and a late message) never start two chains of attempts.
 */
/**
 * Marks these failed deliveries and steps for a replay, in one batch with `also` (the request's
 * audit entry); answers, for each, whether it was failed and is now marked.
 */
export async function markForReplay(
  db: D1Database,
  ids: readonly string[],
  also: readonly D1PreparedStatement[] = [],
): Promise<boolean[]> {
  const at = new Date().toISOString();
  const results = await db.batch([
    ...ids.map((id) =>
      db
        .prepare(
          "UPDATE deliveries SET status = 'retrying', replay_from = attempts, updated_at = ? WHERE id = ? AND status = 'failed'",
        )
        .bind(at, id),
    ),
    ...also,
  ]);
  return ids.map((_, i) => results[i]?.meta.changes === 1);
}

/**
 * Claims the next attempt of each delivery before calling its provider, in one round trip: when two
 * messages for one delivery run at once, only the one whose claim lands calls the provider.
 */
export async function claimAttempts(db: D1Database, deliveries: readonly DeliveryRow[]): Promise<boolean[]> {
  const now = new Date().toISOString();
  const results = await db.batch(
    deliveries.map((delivery) =>
      db
        .prepare(
          "UPDATE deliveries SET attempts = attempts + 1, updated_at = ? WHERE id = ? AND attempts = ? AND status NOT IN ('delivered', 'rejected')",
        )
        .bind(now, delivery.id, delivery.attempts),
    ),
  );
  return results.map((result) => result.meta.changes === 1);
}

/** Deliveries whose messages could not be queued show as failed, ready to replay. */
export async function failUnqueued(db: D1Database, leadId: string, deliveries: readonly DeliveryRow[]): Promise<void> {
  for (const d of deliveries) await setDeliveryStatus(db, d.id, 'failed', 'queue send failed');
  await refreshLeadStatus(db, leadId);
}

export async function refreshLeadStatus(db: D1Database, leadId: string): Promise<LeadStatus> {
  const row = await leadStatusStatement(db, leadId).first<{ status: LeadStatus }>();
  return row?.status ?? 'accepted';
}

export function acceptedBody(leadId: string, deliveries: readonly DeliveryRow[]): LeadAccepted {
  return {
    leadId,
    status: 'accepted',
    deliveries: deliveries.map((d) => ({ provider: d.provider, status: d.status })),
  };
}
