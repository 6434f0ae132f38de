/**
 * @module Everything the relay holds about a lead, read from its shard for many leads in one D1
 * round trip: the lead, its deliveries, steps and attempts, changes, tombstone, consent record,
 * consent snapshot and the texts its consumer was shown. The admin lead view and the consent
 * certificate are built from it, the same for a lead in D1 as for one the archive holds, since the
 * archive keeps exactly these two.
 */
import type { CertificateBody } from '../../shared/certificate.ts';
import {
  type AttemptRow,
  type DeliveryRow,
  type LeadChangeRow,
  type LeadRow,
  leadChangeOf,
  storedLead,
} from '../delivery/store.ts';
import { type TextsRow, textsOf } from '../forms/texts-history.ts';
import { sha256Hex } from '../intake/checks.ts';
import { type ConsentRecordRow, consentRecordOf } from '../ping-post/sessions.ts';
import { type SnapshotRow, snapshotOf } from '../privacy/consent-snapshots.ts';
import { type ErasureRow, erasureOf } from '../privacy/subjects.ts';

type AttemptWithDelivery = AttemptRow & { delivery_id: string };

export interface LeadRecord {
  row: LeadRow;
  stored: NonNullable<ReturnType<typeof storedLead>>;
  deliveries: DeliveryRow[];
  attempts: AttemptWithDelivery[];
  changes: LeadChangeRow[];
  erasure: ErasureRow | null;
  consentRecord: ConsentRecordRow | null;
  snapshot: SnapshotRow | null;
  texts: TextsRow | null;
}

const IDS = 'SELECT value FROM json_each(?1)';

/** The records of these leads in `db`, by id; a lead not there is not in the map. */
export async function loadLeadRecords(db: D1Database, ids: readonly string[]): Promise<Map<string, LeadRecord>> {
  const records = new Map<string, LeadRecord>();
  if (ids.length === 0) return records;
  const json = JSON.stringify(ids);
  const of = (sql: string) => db.prepare(sql).bind(json);
  const [leads, deliveries, attempts, changes, erasures, consents, snapshots, texts] = await db.batch([
    of(`SELECT * FROM leads WHERE id IN (${IDS})`),
    of(`SELECT * FROM deliveries WHERE lead_id IN (${IDS}) ORDER BY kind != 'lead', destination, created_at`),
    of(
      `SELECT delivery_id, attempt, started_at, duration_ms, http_status, outcome, reason, response FROM attempts
       WHERE delivery_id IN (SELECT id FROM deliveries WHERE lead_id IN (${IDS})) ORDER BY delivery_id, attempt`,
    ),
    of(`SELECT lead_id, id, changed_at, changes FROM lead_changes WHERE lead_id IN (${IDS}) ORDER BY changed_at`),
    of(`SELECT * FROM erasures WHERE lead_id IN (${IDS})`),
    of(`SELECT * FROM consent_records WHERE lead_id IN (${IDS})`),
    of(`SELECT * FROM consent_snapshots WHERE lead_id IN (${IDS})`),
    // The texts each lead's consumer was shown: a ping/post lead's by its consent record's version.
    of(
      `SELECT t.* FROM form_texts t WHERE (t.form_id, t.texts_version) IN (
         SELECT l.form_id, COALESCE(c.texts_version, l.texts_version) FROM leads l
         LEFT JOIN consent_records c ON c.lead_id = l.id WHERE l.id IN (${IDS}))`,
    ),
  ]);
  const rows = <T>(result: D1Result | undefined) => (result?.results ?? []) as T[];
  const byLead = <T extends { lead_id: string }>(result: D1Result | undefined) => {
    const map = new Map<string, T[]>();
    for (const row of rows<T>(result)) map.set(row.lead_id, [...(map.get(row.lead_id) ?? []), row]);
    return map;
  };
  const deliveriesOf = byLead<DeliveryRow>(deliveries);
  const changesOf = byLead<LeadChangeRow & { lead_id: string }>(changes);
  const erasureOfLead = byLead<ErasureRow>(erasures);
  const consentOf = byLead<ConsentRecordRow>(consents);
  const snapshotOfLead = byLead<SnapshotRow>(snapshots);
  const allAttempts = rows<AttemptWithDelivery>(attempts);
  const allTexts = rows<TextsRow>(texts);
  for (const row of rows<LeadRow>(leads)) {
    const stored = storedLead(row);
    if (!stored) continue;
    const own = deliveriesOf.get(row.id) ?? [];
    const ownIds = new Set(own.map((d) => d.id));
    const consentRecord = consentOf.get(row.id)?.[0] ?? null;
    const version = consentRecord?.texts_version ?? row.texts_version;
    records.set(row.id, {
      row,
      stored,
      deliveries: own,
      attempts: allAttempts.filter((a) => ownIds.has(a.delivery_id)),
      changes: changesOf.get(row.id) ?? [],
      erasure: erasureOfLead.get(row.id)?.[0] ?? null,
      consentRecord,
      snapshot: snapshotOfLead.get(row.id)?.[0] ?? null,
      texts: allTexts.find((t) => t.form_id === row.form_id && t.texts_version === version) ?? null,
    });
  }
  return records;
}

/** One delivery or step as the admin API shows it, with every attempt. */
function deliveryView(d: DeliveryRow, attempts: readonly AttemptWithDelivery[]) {
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
    attemptLog: attempts
      .filter((a) => a.delivery_id === d.id)
      .map((a) => ({
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

/** A lead as the admin API shows it (the archive adds when it was archived). */
export function viewOf(record: LeadRecord) {
  const { lead, status, updatedAt, textsVersion, purgedAt, spill } = record.stored;
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
    erasure: record.erasure ? erasureOf(record.erasure) : null,
    fields: lead.fields,
    consent: lead.consent,
    context: lead.context,
    ip: lead.ip,
    userAgent: lead.userAgent,
    consentRecord: record.consentRecord ? consentRecordOf(record.consentRecord) : null,
    deliveries: record.deliveries.filter((d) => d.kind === 'lead').map((d) => deliveryView(d, record.attempts)),
    steps: record.deliveries.filter((d) => d.kind !== 'lead').map((d) => deliveryView(d, record.attempts)),
    changes: record.changes.map(leadChangeOf),
  };
}

export type LeadView = ReturnType<typeof viewOf>;

/** The consents of a lead's form as its consumer was shown them, with the ticks of its lead. */
function certifiedConsents(texts: TextsRow | null, ticks: Record<string, boolean>) {
  if (!texts) {
    // A lead stored before the texts were kept: which consents were ticked is all there is.
    return Object.entries(ticks).map(([name, ticked]) => ({ name, text: null, sha256: null, required: null, ticked }));
  }
  return textsOf(texts).texts.consents.map(({ name, text, required }) => ({
    name,
    text,
    sha256: sha256Hex(text),
    required,
    ticked: ticks[name] === true,
  }));
}

/** A lead's consent certificate, unsigned, from what the relay stored. */
export function certificateOf(record: LeadRecord): CertificateBody {
  const { lead } = record.stored;
  const consent = record.consentRecord ? consentRecordOf(record.consentRecord) : null;
  // A ping/post lead's consent record was written with it and says the same, from the session.
  const textsVersion = consent?.textsVersion ?? record.stored.textsVersion;
  const consentTokens: CertificateBody['consentTokens'] = {};
  if (lead.context.xxTrustedFormCertUrl) consentTokens.xxTrustedFormCertUrl = lead.context.xxTrustedFormCertUrl;
  if (lead.context.leadid_token) consentTokens.leadid_token = lead.context.leadid_token;
  return {
    version: 1,
    leadId: lead.id,
    formId: lead.formId,
    textsVersion,
    consentedAt: consent?.consentedAt ?? lead.createdAt,
    ip: consent ? consent.ip : lead.ip,
    userAgent: consent ? consent.userAgent : lead.userAgent,
    pageUrl: consent ? consent.pageUrl : (lead.context.pageUrl ?? null),
    consents: certifiedConsents(record.texts, lead.consent),
    offers: (consent?.offers ?? []).map((o) => ({
      offerId: o.offerId,
      companyName: o.companyName,
      text: o.text,
      sha256: o.textSha256,
      chosen: o.chosen,
    })),
    consentTokens,
    snapshot: record.snapshot ? snapshotOf(record.snapshot) : null,
  };
}
