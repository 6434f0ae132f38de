/**
 * @module `POST /v1/forms/:formId/leads`: checks a lead, stores it durably in D1 with one delivery
 * per destination (or, while D1 refuses writes, in the spill: intake/spill.ts), answers 202, and
 * puts the deliveries on the queue. A destination whose answer is
 * for the consumer (LeadExec sends or transfer) gets its first attempt inside the request, bounded:
 * delivered, the answer is 200 with the buyer's page or the agent; otherwise it goes on the queue
 * and the consumer sees the ordinary 202. The same Idempotency-Key with the same body gives the
 * same lead; with another body, 409.
 */
import { Hono } from 'hono';
import { type LeadAccepted, leadSubmissionSchema } from '../../shared/lead.ts';
import { attemptNow } from '../delivery/consumer.ts';
import { followUpsOf, immediateTimeoutMs } from '../delivery/destination.ts';
import { messageOf, queueOrFail } from '../delivery/queue.ts';
import {
  acceptedBody,
  type DeliveryRow,
  findByIdempotencyKey,
  getLead,
  listDeliveries,
  plannedDeliveries,
} from '../delivery/store.ts';
import { ApiError } from '../errors.ts';
import { checkBotDefences, checkSubmission, clientIp, rateLimit, validationFailed } from '../intake/checks.ts';
import { type Earlier, findEarlier, storeLead } from '../intake/spill.ts';
import type { CanonicalLead, Handoff } from '../providers/types.ts';
import { canonicalHash } from '../security/canonical-hash.ts';
import { type JsonBodyVariables, jsonBody } from '../security/json-body.ts';
import { validJson } from '../security/validate.ts';
import { dbOf, newLeadId, shardForNew } from '../storage/shards.ts';
import { type FormVariables, formAccess } from './form-access.ts';

type Variables = FormVariables & JsonBodyVariables;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export const leadRoutes = new Hono<{ Bindings: Env; Variables: Variables }>()
  .use('/:formId/leads', formAccess())
  .post('/:formId/leads', rateLimit(), jsonBody(), validJson(leadSubmissionSchema), async (c) => {
    const form = c.get('form');
    if (form.pingPost?.fallback === 'no_match') {
      // Such a form takes leads only with a consumer's choice of offers: a plain post would skip it.
      throw new ApiError('not_found', 'This form takes leads through its offers');
    }
    const ip = clientIp(c.req.raw);

    const submission = c.req.valid('json');

    const idempotencyKey = c.req.header('idempotency-key') ?? null;
    if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw validationFailed([
        { path: 'Idempotency-Key', rule: 'format', message: 'Use 1 to 200 printable ASCII characters' },
      ]);
    }

    if (submission.website) {
      // A bot filled the honeypot: it gets the answer a person gets, and nothing is kept or sent.
      console.log(JSON.stringify({ at: 'intake', formId: form.id, honeypot: true }));
      return c.json(
        {
          leadId: newLeadId(shardForNew(c.env)),
          status: 'accepted',
          deliveries: form.destinations.map((d) => ({ provider: d.provider, status: 'pending' })),
        } satisfies LeadAccepted,
        202,
      );
    }

    const { fields, consent } = checkSubmission(form, submission);

    // A retry carries the same body and key but a spent (or fresh) Turnstile token, and the consent
    // markup as it renders then: neither is part of the hash. Where a Turnstile token is spent by its
    // first use, a lead already stored under the key is looked up and answered before the bot check;
    // elsewhere the insert finds it (the key is UNIQUE per form), and a first lead costs no read.
    const { turnstileToken, consentMarkup, ...hashed } = submission;
    const bodyHash = canonicalHash(hashed);
    // One key, one shard: a retry meets its first lead's UNIQUE index there.
    const shard = shardForNew(c.env, idempotencyKey === null ? undefined : `${form.id}\u0000${idempotencyKey}`);
    const earlierByKey = async () => (idempotencyKey ? findByIdempotencyKey(shard.db, form.id, idempotencyKey) : null);
    const repeat = async (earlier: Earlier) => {
      if (earlier.bodyHash !== bodyHash) {
        throw new ApiError('idempotency_conflict', 'This Idempotency-Key was used with another body');
      }
      const rows = earlier.held
        ? plannedDeliveries(earlier.held)
        : await listDeliveries(dbOf(c.env, earlier.leadId), earlier.leadId);
      return c.json(acceptedBody(earlier.leadId, rows), 202);
    };
    if (idempotencyKey && form.turnstileSiteKey) {
      const earlier = await findEarlier(c.env, { formId: form.id, idempotencyKey }, earlierByKey);
      if (earlier) return repeat(earlier);
    }

    await checkBotDefences(c.env, form, {
      renderedAt: submission.context?.renderedAt,
      turnstileToken,
      ip,
      origin: c.req.header('origin'),
    });

    const lead: CanonicalLead = {
      id: newLeadId(shard),
      formId: form.id,
      fields,
      consent,
      context: submission.context ?? {},
      ip,
      userAgent: c.req.header('user-agent')?.slice(0, 500) ?? null,
      createdAt: new Date().toISOString(),
    };
    // What the consumer saw of the consents is kept with the lead, in its batch, or not at all.
    const intake = await storeLead(
      c.env,
      {
        lead,
        idempotencyKey,
        bodyHash,
        providers: form.destinations.map((d) => d.provider),
        followUps: form.destinations.map((d) => followUpsOf(d, lead)),
        ...(consentMarkup ? { consentMarkup } : {}),
      },
      earlierByKey,
    );
    if (intake.kind === 'repeat') return repeat(intake);
    const { deliveries } = intake;
    // Spilled: nothing can be queued or tried until the maintenance run has moved it into D1.
    if (intake.spilled) return c.json(acceptedBody(lead.id, deliveries), 202);

    const waitFor = (d: DeliveryRow) => {
      const destination = form.destinations[d.destination];
      return destination ? immediateTimeoutMs(destination) : undefined;
    };
    const immediate = deliveries.filter((d) => waitFor(d) !== undefined);
    await queueOrFail(
      c.env,
      form.id,
      lead.id,
      deliveries.filter((d) => waitFor(d) === undefined),
      'intake',
    );

    // The consumer waits, briefly, for a destination whose answer is theirs (a buyer's page, an agent).
    let handoff: Handoff | undefined;
    for (const delivery of immediate) {
      const timeoutMs = waitFor(delivery);
      const result = await attemptNow(c.env, messageOf(form.id, delivery), timeoutMs ? { timeoutMs } : {});
      if (result?.outcome === 'delivered') handoff ??= result.handoff;
    }
    if (!handoff) return c.json(acceptedBody(lead.id, deliveries), 202);
    const stored = await getLead(shard.db, lead.id);
    const answer: LeadAccepted = {
      ...acceptedBody(lead.id, await listDeliveries(shard.db, lead.id)),
      status: stored?.status ?? 'accepted',
      ...handoff,
    };
    return c.json(answer, 200);
  });
