/**
 * @module Where a lead's personal data lives in D1, and the statements that remove it while the
 * lead's anonymous row stays (ids, times, statuses, hashes, which consents were ticked, the UTM
 * source) for the numbers; and the same removal from an archived lead's object. Retention and
 * erasure both use them; one list, so a table that gains personal data is added here once, to the
 * statements and to `stripView` alike.
 */
import { createHash } from 'node:crypto';
import type { CertificateBody } from '../../shared/certificate.ts';
import type { LeadView } from '../archive/lead-record.ts';
import type { FormConfig } from '../forms/schema.ts';
import type { Tombstone } from './subjects.ts';

/** Why deliveries and steps not yet sent never will be. */
export const NOT_SENT = "not sent: the lead's personal data was removed";

/**
 * The statements that remove the personal data of the leads `leadIds` selects (an SQL subquery
 * with its bindings), to run as one batch. The leads' own row goes last: the subquery may select
 * by `purged_at IS NULL`, so the rows it selects stay the same until then.
 */
export function removalStatements(
  db: D1Database,
  leadIds: { sql: string; bind: unknown[] },
  at: string,
): D1PreparedStatement[] {
  const of = (sql: string, ...before: unknown[]) =>
    db.prepare(sql.replace('$LEADS', leadIds.sql)).bind(...before, ...leadIds.bind);
  return [
    // Provider answers and error texts echo what was sent (names, numbers, emails).
    of(
      'UPDATE attempts SET response = NULL, reason = NULL WHERE delivery_id IN (SELECT id FROM deliveries WHERE lead_id IN ($LEADS))',
    ),
    // What was not sent never will be; a step's parameters (a note, a task) are the lead's words.
    of(
      `UPDATE deliveries SET payload = NULL, updated_at = ?,
         last_error = CASE WHEN status IN ('pending', 'retrying', 'failed') THEN ? ELSE NULL END,
         status = CASE WHEN status IN ('pending', 'retrying', 'failed') THEN 'rejected' ELSE status END
       WHERE lead_id IN ($LEADS)`,
      at,
      NOT_SENT,
    ),
    of(
      'UPDATE consent_records SET ip = NULL, user_agent = NULL, page_url = NULL, phone = NULL WHERE lead_id IN ($LEADS)',
    ),
    of("UPDATE lead_changes SET changes = '{}' WHERE lead_id IN ($LEADS)"),
    of(
      `UPDATE leads SET fields = '{}', ip = NULL, user_agent = NULL, email_hash = NULL, phone_hash = NULL,
         context = json_object('utm_source', json_extract(context, '$.utm_source'), 'utm_medium', json_extract(context, '$.utm_medium'),
           'utm_campaign', json_extract(context, '$.utm_campaign')),
         purged_at = ?, updated_at = ?
       WHERE id IN ($LEADS)`,
      at,
      at,
    ),
  ];
}

/**
 * An archived lead's view as `removalStatements` would have left its rows, had they been removed
 * while it was in D1 (a test holds the two to each other).
 */
export function stripView(view: LeadView, at: string, erasure: Tombstone | null): LeadView {
  const unsent = (status: string) => status === 'pending' || status === 'retrying' || status === 'failed';
  const delivery = (d: LeadView['deliveries'][number]) => ({
    ...d,
    ...('parameters' in d ? { parameters: null } : {}),
    status: unsent(d.status) ? 'rejected' : d.status,
    lastError: unsent(d.status) ? NOT_SENT : null,
    attemptLog: d.attemptLog.map((a) => ({ ...a, reason: null, response: null })),
  });
  const { utm_source = null, utm_medium = null, utm_campaign = null } = view.context;
  return {
    ...view,
    updatedAt: at,
    purgedAt: view.purgedAt ?? at,
    erasure,
    fields: {},
    context: { utm_source, utm_medium, utm_campaign } as LeadView['context'],
    ip: null,
    userAgent: null,
    consentRecord: view.consentRecord
      ? { ...view.consentRecord, ip: null, userAgent: null, pageUrl: null, phone: null }
      : null,
    deliveries: view.deliveries.map(delivery),
    steps: view.steps.map(delivery),
    changes: view.changes.map((c) => ({ ...c, changes: {} })),
  };
}

/** A certificate as it is built from a lead whose personal data was removed. */
export function stripCertificate(certificate: CertificateBody): CertificateBody {
  return { ...certificate, ip: null, userAgent: null, pageUrl: null, consentTokens: {} };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** How a person's email is found again: lower-cased, trimmed, hashed. */
export function emailHash(email: string): string {
  return sha256(email.trim().toLowerCase());
}

/** How a person's phone is found again: its E.164 form, hashed. */
export function phoneHash(e164: string): string {
  return sha256(e164);
}

/** The identifier hashes of a lead's answers: its form's first email and first phone field. */
export function identifierHashes(form: FormConfig | undefined, fields: Record<string, unknown>) {
  const answerOf = (type: string) => {
    const field = form?.fields.find((f) => f.type === type && typeof fields[f.name] === 'string');
    return field ? (fields[field.name] as string) : undefined;
  };
  const email = answerOf('email');
  const phone = answerOf('tel');
  return { emailHash: email ? emailHash(email) : null, phoneHash: phone ? phoneHash(phone) : null };
}
