/**
 * @module A person's data on request (admin): `GET /subjects?email=…|phone=…` exports every lead of
 * theirs with its deliveries, steps, attempts and consent record; `DELETE /subjects?…` and
 * `DELETE /leads/:leadId` erase them and leave tombstones. A provider that can take a lead back
 * (an adapter with `cancel`: the dialler's `/lead/cancel`, which needs the mobile) does so before the
 * erasure when asked with `cancel=true`; the answer names every provider holding the lead and what
 * it offers.
 */
import { Hono } from 'hono';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import * as z from 'zod';
import { findArchived, readArchived, stripArchived } from '../archive/archive.ts';
import { getLead, listDeliveries } from '../delivery/store.ts';
import { ApiError } from '../errors.ts';
import { validationFailed } from '../intake/checks.ts';
import { audit, auditStatement, type Caller, callerOf, redactStatements, subjectTarget } from '../operators/audit.ts';
import { describeActor, homeDb } from '../operators/identity.ts';
import { type AdminVariables, requires } from '../operators/roles.ts';
import { emailHash, phoneHash } from '../privacy/personal-data.ts';
import { eraseLeads, type Subject, subjectLeadIds } from '../privacy/subjects.ts';
import { adapterFor } from '../providers/registry.ts';
import type { CanonicalLead } from '../providers/types.ts';
import { validQuery } from '../security/validate.ts';
import { dbOf } from '../storage/shards.ts';
import { cancelAt, leadView } from './admin-lead.ts';

const optionsShape = {
  reason: z.string().trim().min(1).max(200).optional(),
  /** `true`: where a provider can take the lead back (the dialler), it does so before the erasure. */
  cancel: z.enum(['true', 'false']).optional(),
};

const subjectQuerySchema = z
  .strictObject({
    email: z.email().max(200).optional(),
    phone: z.string().max(40).optional(),
    /** The country a phone without its + code is read in (ISO 3166 alpha-2). */
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    ...optionsShape,
  })
  .refine((q) => (q.email === undefined) !== (q.phone === undefined), {
    message: 'give exactly one of email and phone',
    path: ['email'],
  });

const leadQuerySchema = z.strictObject(optionsShape);

function subjectOf(query: z.infer<typeof subjectQuerySchema>): Subject {
  if (query.email !== undefined) return { email: query.email };
  const number = parsePhoneNumberFromString(query.phone ?? '', query.country as never);
  if (!number?.isValid()) {
    throw validationFailed([
      { path: 'query.phone', rule: 'phone', message: 'Enter a valid phone number, with its + code or a country' },
    ]);
  }
  return { phone: number.number };
}

interface Delivered {
  provider: string;
  destination: number;
  reference: string | null;
}

/** What each provider that has the lead offers for deleting it, cancelling it there first when asked. */
async function atProviders(env: Env, lead: CanonicalLead, delivered: readonly Delivered[], cancel: boolean) {
  return Promise.all(
    delivered.map(async (d) => {
      const base = { provider: d.provider, destination: d.destination, reference: d.reference };
      if (!adapterFor(d.provider)?.cancel) return { ...base, deletion: 'none' as const };
      if (!cancel) return { ...base, deletion: 'available' as const };
      const result = await cancelAt(env, lead, d.destination);
      return result.cancelled
        ? { ...base, deletion: 'cancelled' as const }
        : { ...base, deletion: 'not_cancelled' as const, warning: result.warning };
    }),
  );
}

async function erase(
  env: Env,
  leadId: string,
  options: z.infer<typeof leadQuerySchema>,
  by: { caller: Caller; matchedBy: string | null },
) {
  const erasure = {
    reason: options.reason ?? 'erasure requested',
    requestedBy: describeActor(by.caller.identity.actor),
    matchedBy: by.matchedBy,
  };
  const cancel = options.cancel === 'true';
  const db = dbOf(env, leadId);
  const audited = () => [
    auditStatement(db, by.caller, {
      action: 'lead.erase',
      target: `lead:${leadId}`,
      details: { reason: erasure.reason, matchedBy: erasure.matchedBy, cancel },
    }),
  ];
  const stored = await getLead(db, leadId);
  if (stored) {
    if (stored.purgedAt) return { leadId, erased: true, providers: [] };
    const delivered = (await listDeliveries(db, leadId)).filter((d) => d.kind === 'lead' && d.status === 'delivered');
    const providers = await atProviders(env, stored.lead, delivered, cancel);
    await eraseLeads(db, [leadId], erasure, audited());
    return { leadId, erased: true, providers };
  }
  // Archived: its object is rewritten without the personal data, the tombstone kept in it and its row.
  const row = await findArchived(env, leadId);
  if (!row) throw new ApiError('lead_not_found', 'No lead has this id');
  if (row.purged_at) return { leadId, erased: true, providers: [] };
  const { lead: view } = await readArchived(env, row);
  const lead: CanonicalLead = {
    id: view.leadId,
    formId: view.formId,
    fields: view.fields,
    consent: view.consent,
    context: view.context,
    ip: view.ip,
    userAgent: view.userAgent,
    createdAt: view.createdAt,
  };
  const providers = await atProviders(
    env,
    lead,
    view.deliveries.filter((d) => d.status === 'delivered'),
    cancel,
  );
  const at = new Date().toISOString();
  await stripArchived(env, db, [row], at, { erasedAt: at, ...erasure }, audited());
  return { leadId, erased: true, providers };
}

/** The audit log's target for a person: the hash of their identifier, never the identifier. */
function targetOf(subject: Subject): string {
  return subjectTarget('email' in subject ? emailHash(subject.email) : phoneHash(subject.phone));
}

export const subjectRoutes = new Hono<{ Bindings: Env; Variables: AdminVariables }>()
  .get('/subjects', requires('operator'), validQuery(subjectQuerySchema), async (c) => {
    const subject = subjectOf(c.req.valid('query'));
    const ids = await subjectLeadIds(c.env, subject);
    const leads = await Promise.all(ids.map((id) => leadView(c.env, id)));
    // A bulk read of one person's data: who read it stays, the identifier until they are erased.
    await audit(homeDb(c.env), callerOf(c), {
      action: 'subject.export',
      target: targetOf(subject),
      details: { ...subject, leads: ids.length },
    });
    return c.json({ leads });
  })
  .delete('/subjects', requires('admin'), validQuery(subjectQuerySchema), async (c) => {
    const query = c.req.valid('query');
    const subject = subjectOf(query);
    const by = { caller: callerOf(c), matchedBy: 'email' in subject ? 'email' : 'phone' };
    const leads = [];
    // One at a time: each may call a provider to cancel, and a subject rarely has many leads.
    for (const id of await subjectLeadIds(c.env, subject)) leads.push(await erase(c.env, id, query, by));
    // The person's identifier leaves the log too: what was done stays, to whom only as a hash.
    const target = targetOf(subject);
    await Promise.all(redactStatements(c.env, target).map((statement) => statement.run()));
    await audit(homeDb(c.env), callerOf(c), { action: 'subject.erase', target, details: { erased: leads.length } });
    return c.json({ erased: leads.length, leads });
  })
  .delete('/leads/:leadId', requires('admin'), validQuery(leadQuerySchema), async (c) => {
    const options = c.req.valid('query');
    const by = { caller: callerOf(c), matchedBy: null };
    return c.json(await erase(c.env, c.req.param('leadId'), options, by));
  });
