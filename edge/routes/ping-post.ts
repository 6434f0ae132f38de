/**
 * @module LeadExec ping → offers → consent → post, run by the relay so a client cannot forge the
 * order or the offers:
 * - `POST /v1/forms/:formId/ping` pings LeadExec with the form's ping fields, seals the order id and
 *   the offers exactly as presented into a session, and answers the offers and the sealed session
 *   as its id (nothing is written: see sessions.ts).
 * - `POST /v1/forms/:formId/sessions/:sessionId/post` accepts only offers presented in that session,
 *   once, before the order expires; stores the lead and the consent evidence in one batch; posts to
 *   LeadExec with the order id and the chosen offers and marks them accepted. If LeadExec fails
 *   then, the lead is already stored: its delivery goes on the queue and the consumer is told it
 *   was received.
 * Nothing reaches LeadExec from a request that fails a check.
 */
import { Hono } from 'hono';
import {
  type Offer,
  type PingResponse,
  type PostResponse,
  pingRequestSchema,
  postRequestSchema,
} from '../../shared/ping-post.ts';
import { attemptNow } from '../delivery/consumer.ts';
import { followUpsOf, resolveDestination } from '../delivery/destination.ts';
import { messageOf, queueOrFail } from '../delivery/queue.ts';
import { type DeliveryRow, getLead, listDeliveries, refreshLeadStatus, waitingSteps } from '../delivery/store.ts';
import { ApiError } from '../errors.ts';
import { publicForm } from '../forms/index.ts';
import { type FormConfig, pingDestinationIndex } from '../forms/schema.ts';
import {
  checkBotDefences,
  checkSubmission,
  clientIp,
  rateLimit,
  sha256Hex,
  validationFailed,
} from '../intake/checks.ts';
import { type Earlier, findEarlier, storeLead } from '../intake/spill.ts';
import {
  type ConsentRecord,
  openSession,
  type PresentedOffer,
  sealSession,
  sessionAnswer,
} from '../ping-post/sessions.ts';
import { webUrl } from '../providers/http.ts';
import type { CanonicalLead, Handoff, PingOutcome, ProviderOffer } from '../providers/types.ts';
import { canonicalHash } from '../security/canonical-hash.ts';
import { type JsonBodyVariables, jsonBody } from '../security/json-body.ts';
import { validJson } from '../security/validate.ts';
import { dbOf, newLeadId, shardForNew } from '../storage/shards.ts';
import { type FormVariables, formAccess } from './form-access.ts';

type Variables = FormVariables & JsonBodyVariables;

/** An order whose expiry LeadExec did not give (or gave unreadably) lives this long. */
const DEFAULT_ORDER_TTL_MS = 5 * 60_000;

function pingPostOf(form: FormConfig) {
  if (!form.pingPost) throw new ApiError('not_found', 'This form does not use ping/post');
  return form.pingPost;
}

/** The destination the form pings: its adapter's ping capability and how to call its provider. */
function pingingDestination(env: Env, form: FormConfig) {
  const index = pingDestinationIndex(form.destinations);
  const resolved = resolveDestination(env, form.id, index);
  const capability = resolved.adapter.ping;
  // The start-up check guarantees a ping/post form a destination that pings.
  if (!capability) throw new Error(`form ${form.id}: its ping destination cannot ping`);
  return { index, resolved, capability, options: resolved.destination.options };
}

/** The answers that were pinged, hashed: a post must carry the same ones it got offers for. */
function pingedFieldsHash(fields: CanonicalLead['fields'], pinging: ReturnType<typeof pingingDestination>) {
  return sha256Hex(JSON.stringify(pinging.capability.pinged(fields, pinging.options)));
}

function presentOffer(offer: ProviderOffer, defaultText: string): PresentedOffer {
  // A function, not a string: a seller named like `$&` or `$'` must not be read as a replacement pattern.
  const text = offer.consentText ?? defaultText.replaceAll('{company}', () => offer.companyName);
  return {
    offerId: offer.offerId,
    companyName: offer.companyName,
    companyPhoneNumber: offer.companyPhoneNumber,
    name: offer.name,
    description: offer.description,
    type: offer.type,
    price: offer.price ?? 0,
    url: webUrl(offer.url),
    tcpa: {
      required: offer.consentText !== undefined,
      text,
      privacyUrl: webUrl(offer.privacyUrl),
      termsUrl: webUrl(offer.termsUrl),
    },
    textSha256: sha256Hex(text),
  };
}

function expiryOf(orderExpiresOn: string, now: number): string {
  const given = Date.parse(orderExpiresOn);
  return new Date(Number.isNaN(given) ? now + DEFAULT_ORDER_TTL_MS : given).toISOString();
}

function withoutHash({ textSha256: _, ...offer }: PresentedOffer): Offer {
  return offer;
}

/**
 * Posts to LeadExec inside the request, then marks each chosen offer accepted, each attempt made and
 * recorded as the queue's consumer makes it; what does not go through now is left to the queue.
 */
async function postNow(
  env: Env,
  formId: string,
  delivery: DeliveryRow,
): Promise<{ acceptedOffers: string[]; handoff?: Handoff }> {
  const acceptedOffers: string[] = [];
  try {
    const result = await attemptNow(env, messageOf(formId, delivery), { sendWaitingSteps: false });
    if (result?.outcome !== 'delivered') return { acceptedOffers };
    for (const step of await waitingSteps(dbOf(env, delivery.lead_id), delivery.id)) {
      const accepted = await attemptNow(env, messageOf(formId, step));
      if (accepted?.outcome === 'delivered') acceptedOffers.push(offerIdOf(step));
    }
    return result.handoff ? { acceptedOffers, handoff: result.handoff } : { acceptedOffers };
  } catch (error) {
    // Stored and consented: whatever is left untried, the stranded-delivery sweep puts on the queue.
    console.error(JSON.stringify({ at: 'post', leadId: delivery.lead_id, error: String(error) }));
    return { acceptedOffers };
  }
}

function offerIdOf(step: DeliveryRow): string {
  return (JSON.parse(step.payload ?? '{}') as { offerId?: string }).offerId ?? '';
}

/**
 * A session is answered once. The same request again (a retry after a lost answer) gets the lead it
 * made; any other request for that session is refused.
 */
async function repeatAnswer(db: D1Database, answered: Earlier, bodyHash: string): Promise<PostResponse> {
  if (answered.bodyHash !== bodyHash) throw new ApiError('session_used', 'These offers were already answered');
  // Still in the spill: stored and consented, not yet posted.
  if (answered.held) return { leadId: answered.leadId, status: 'accepted', acceptedOffers: [] };
  const stored = await getLead(db, answered.leadId);
  const accepted = (await listDeliveries(db, answered.leadId)).filter(
    (d) => d.kind === 'accept' && d.status === 'delivered',
  );
  return {
    leadId: answered.leadId,
    status: stored?.status ?? 'accepted',
    acceptedOffers: accepted.map(offerIdOf),
  };
}

export const pingPostRoutes = new Hono<{ Bindings: Env; Variables: Variables }>()
  .use('/:formId/ping', formAccess())
  .post('/:formId/ping', rateLimit(), jsonBody(), validJson(pingRequestSchema), async (c) => {
    const form = c.get('form');
    const config = pingPostOf(form);
    const request = c.req.valid('json');
    const { fields } = checkSubmission(form, { fields: request.fields }, { consents: false });
    // The ping is the first request that reaches LeadExec, so a bot sent too fast stops here.
    await checkBotDefences(c.env, form, {
      renderedAt: request.context?.renderedAt,
      turnstileToken: undefined,
      ip: clientIp(c.req.raw),
      origin: c.req.header('origin'),
    });

    const pinging = pingingDestination(c.env, form);
    const call = {
      options: pinging.options,
      baseUrl: pinging.resolved.baseUrl,
      apiKey: pinging.resolved.apiKey,
      signal: AbortSignal.timeout(config.timeoutMs),
    };
    const noOffers: PingResponse = {
      sessionId: '',
      willAccept: false,
      expiresAt: '',
      offers: [],
      fallback: config.fallback,
    };
    let pinged: PingOutcome;
    try {
      pinged = await pinging.capability.ping(fields, call, { duplicateCheck: config.duplicateCheck });
    } catch (error) {
      // Too slow or unreachable: the consumer does not wait for the provider; the form's fallback decides.
      console.error(JSON.stringify({ at: 'ping', formId: form.id, error: String(error) }));
      return c.json(noOffers);
    }
    if (pinged.outcome === 'refused') {
      console.error(JSON.stringify({ at: 'ping', formId: form.id, reason: pinged.reason }));
      throw new ApiError('upstream_failed', 'The offers could not be fetched');
    }
    if (pinged.outcome === 'none') {
      if (pinged.reason) console.error(JSON.stringify({ at: 'ping', formId: form.id, reason: pinged.reason }));
      return c.json(noOffers);
    }

    const now = Date.now();
    const offers = pinged.offers.map((o) => presentOffer(o, config.defaultConsentText));
    const session = {
      id: crypto.randomUUID(),
      formId: form.id,
      destination: pinging.index,
      orderId: pinged.orderId,
      offers,
      fieldsHash: pingedFieldsHash(fields, pinging),
      expiresAt: expiryOf(pinged.expiresOn, now),
      createdAt: new Date(now).toISOString(),
    };
    const answer: PingResponse = {
      sessionId: await sealSession(c.env.CERTIFICATE_SECRET, session),
      willAccept: true,
      expiresAt: session.expiresAt,
      offers: offers.map(withoutHash),
    };
    return c.json(answer);
  })
  .use('/:formId/sessions/:sessionId/post', formAccess())
  .post('/:formId/sessions/:sessionId/post', rateLimit(), jsonBody(), validJson(postRequestSchema), async (c) => {
    const form = c.get('form');
    const config = pingPostOf(form);
    const ip = clientIp(c.req.raw);
    const request = c.req.valid('json');
    const { fields, consent } = checkSubmission(form, request);

    const session = await openSession(c.env.CERTIFICATE_SECRET, c.req.param('sessionId'));
    if (!session || session.formId !== form.id) throw new ApiError('session_not_found', 'No such offers session');
    // The consent markup is as the page renders it at the time: a repeat need not match it byte for byte.
    const { consentMarkup, ...hashed } = request;
    const bodyHash = canonicalHash(hashed);
    // One session, one shard: a second post of it meets the first's UNIQUE session id there.
    const shard = shardForNew(c.env, `${form.id}\u0000${session.id}`);
    const answeredInD1 = () => sessionAnswer(shard.db, session.id);
    const answered = await findEarlier(c.env, { formId: form.id, sessionId: session.id }, answeredInD1);
    if (answered) return c.json(await repeatAnswer(dbOf(c.env, answered.leadId), answered, bodyHash));
    const chosen = [...new Set(request.offerIds)];
    const unknown = chosen.filter((id) => !session.offers.some((o) => o.offerId === id));
    if (unknown.length > 0) {
      throw validationFailed([
        { path: 'offerIds', rule: 'option', message: `Not an offer of this session: ${unknown.join(', ')}` },
      ]);
    }
    if (chosen.length === 0 && !config.allowNoOffer) {
      throw validationFailed([{ path: 'offerIds', rule: 'required', message: 'Choose at least one offer' }]);
    }
    if (Date.parse(session.expiresAt) <= Date.now()) {
      throw new ApiError('order_expired', 'The offers expired; fetch them again');
    }
    const pinging = pingingDestination(c.env, form);
    if (pingedFieldsHash(fields, pinging) !== session.fieldsHash) {
      throw validationFailed([
        {
          path: 'fields',
          rule: 'invalid',
          message: 'The answers changed since the offers were fetched; fetch them again',
        },
      ]);
    }

    const now = new Date().toISOString();
    const lead: CanonicalLead = {
      id: newLeadId(shard),
      formId: form.id,
      fields,
      consent,
      context: request.context ?? {},
      ip,
      userAgent: c.req.header('user-agent')?.slice(0, 500) ?? null,
      createdAt: now,
    };
    if (chosen.length > 0) lead.pingPost = { orderId: session.orderId, offerIds: chosen };
    // With no offer chosen nobody may contact the consumer through LeadExec: only the others deliver.
    const destinations = form.destinations
      .map((d, index) => ({ provider: d.provider, index }))
      .filter((d) => chosen.length > 0 || d.index !== pinging.index);
    const phone = typeof fields.phone === 'string' ? fields.phone : null;
    const consentRecord: ConsentRecord = {
      leadId: lead.id,
      sessionId: session.id,
      orderId: session.orderId,
      formId: form.id,
      textsVersion: publicForm(form).textsVersion,
      consentedAt: now,
      ip,
      userAgent: lead.userAgent,
      pageUrl: lead.context.pageUrl ?? null,
      phone,
      offers: session.offers.map((o) => ({
        offerId: o.offerId,
        companyName: o.companyName,
        text: o.tcpa.text,
        textSha256: o.textSha256,
        chosen: chosen.includes(o.offerId),
      })),
    };
    // The consent record's UNIQUE session id (the spill's name per session, while D1 refuses
    // writes) lets one post of a session through; a racing second gets the first's answer.
    const intake = await storeLead(
      c.env,
      {
        lead,
        idempotencyKey: null,
        bodyHash,
        providers: destinations.map((d) => d.provider),
        destinations: destinations.map((d) => d.index),
        followUps: destinations.map((d) => followUpsOf(form.destinations[d.index], lead)),
        consentRecord,
        ...(consentMarkup ? { consentMarkup } : {}),
      },
      answeredInD1,
    );
    if (intake.kind === 'repeat') return c.json(await repeatAnswer(dbOf(c.env, intake.leadId), intake, bodyHash));
    // Spilled, with its consent record and the offers chosen: LeadExec gets the post once the
    // maintenance run has it in D1, never from here, since an order posted now could not be recorded
    // and the import would post it again.
    if (intake.spilled) return c.json({ leadId: lead.id, status: 'accepted', acceptedOffers: [] });
    const { deliveries } = intake;

    if (deliveries.length === 0) await refreshLeadStatus(shard.db, lead.id);
    const pingDelivery = deliveries.find((d) => d.destination === pinging.index);
    await queueOrFail(
      c.env,
      form.id,
      lead.id,
      deliveries.filter((d) => d !== pingDelivery),
      'post',
    );
    // The consumer waits for LeadExec (a redirect, an agent, the offers accepted): the post and the
    // accepts are tried now, as the queue would try them; what does not go through goes on the queue.
    const handed = pingDelivery ? await postNow(c.env, form.id, pingDelivery) : { acceptedOffers: [] };
    const stored = await getLead(shard.db, lead.id);
    const answer = {
      leadId: lead.id,
      status: stored?.status ?? 'accepted',
      acceptedOffers: handed.acceptedOffers,
      ...handed.handoff,
    } satisfies PostResponse;
    return c.json(answer, stored?.status === 'accepted' ? 202 : 200);
  });
