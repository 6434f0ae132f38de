/**
 * @module The LeadExec adapter: delivery by mode, follow-ups, steps, status.
 */
import * as z from 'zod';
import { webUrl } from '../http.ts';
import {
  type CanonicalLead,
  type DeliveryResult,
  defineAdapter,
  defineStep,
  fieldText,
  type Handoff,
  type ProviderOffer,
} from '../types.ts';
import type { Answer, LeadExecOutcome, LeadResult, Offer } from './answers.ts';
import {
  acceptOffer,
  type CallDetails,
  checkDuplicate,
  insertCallLead,
  insertCallTransfer,
  insertLead,
  insertLeadWithSends,
  type LeadInput,
  requestStatus,
  sendPing,
  updateLead,
} from './endpoints.ts';
import {
  CALL_FIELDS,
  consentTokenFieldsOf,
  duplicateCheckFields,
  fieldMapOf,
  type LeadExecCall,
  type LeadExecOptions,
  leadExecFields,
  leadExecOptionsSchema,
  REQUIRED_FIELDS,
} from './options.ts';

/** One lead's result as the relay records it (see the module comment for each responseType). */
export function deliveryResultOf(outcome: LeadExecOutcome<Answer<LeadResult>>): DeliveryResult {
  if (outcome.outcome !== 'answered') return outcome;
  const { body, httpStatus, response } = outcome;
  const result = body.results[0];
  if (!result) return { outcome: 'retryable', reason: 'LeadExec answered without a result', httpStatus, response };
  const type = result.responseType;
  const said = [type, result.responseMessage].filter(Boolean).join(': ') || 'LeadExec did not accept the lead';
  if (type === 'Post_Over_Max') return { outcome: 'retryable', reason: said, httpStatus, response };
  if (result.isValid && (type === '' || type === 'No_Error')) {
    const reference = result.leadId === undefined ? null : String(result.leadId);
    return { outcome: 'delivered', reference, httpStatus, response };
  }
  return { outcome: 'rejected', reason: said, httpStatus, response };
}

/** The request id in a stored answer, found by pattern: the attempt log keeps only its start. */
export function requestIdOf(response: string): string | undefined {
  const match = /"requestId"\s*:\s*"([^"\\]+)"/.exec(response) ?? /<RequestId>([^<]+)<\/RequestId>/.exec(response);
  return match?.[1];
}

/** The call's duration in whole seconds, or undefined when the lead's answer is not one. */
function callDurationOf(lead: CanonicalLead): number | undefined {
  const text = fieldText(lead, CALL_FIELDS.callDuration)?.trim();
  return text && /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

function callDetailsOf(lead: CanonicalLead, options: LeadExecOptions): CallDetails {
  const details: CallDetails = {
    ivrNumber: options.ivrNumber ?? 0,
    callDuration: callDurationOf(lead) ?? 0,
    callResult: fieldText(lead, CALL_FIELDS.callResult) ?? '',
  };
  const callDate = fieldText(lead, CALL_FIELDS.callDate);
  if (callDate) details.callDate = callDate;
  const recordingUrl = fieldText(lead, CALL_FIELDS.recordingUrl);
  if (recordingUrl) details.recordingUrl = recordingUrl;
  return details;
}

export const leadexec = defineAdapter({
  name: 'leadexec',
  optionsSchema: leadExecOptionsSchema,
  defaultSecret: 'LEADEXEC_API_KEY',
  baseUrlVar: 'LEADEXEC_BASE_URL',
  requiredFields: (options) => {
    const map = fieldMapOf(options);
    const fields = REQUIRED_FIELDS.map((name) => map[name]).filter((n): n is string => Boolean(n));
    return options.mode === 'calldata' ? [...fields, CALL_FIELDS.callDuration, CALL_FIELDS.callResult] : fields;
  },
  async deliver(lead, call) {
    if (call.options.mode === 'calldata' && !callDurationOf(lead)) {
      return {
        outcome: 'rejected',
        reason: `${CALL_FIELDS.callDuration} must be a number of seconds, as LeadExec requires`,
        httpStatus: null,
        response: '',
      };
    }
    const { result, redirectUrl, transfer } = await insertForMode(lead, call);
    if (result.outcome !== 'delivered' || (!redirectUrl && !transfer)) return result;
    const handoff: Handoff = {};
    if (redirectUrl) handoff.redirectUrl = redirectUrl;
    if (transfer) handoff.transfer = transfer;
    return { ...result, handoff };
  },
  ping: {
    pings: (options) => options.pingPost,
    // LeadExec's duplicate check needs the campaign (`aid`): without it the check never runs.
    refuses: (options, { duplicateCheck }) =>
      duplicateCheck && options.aid === undefined
        ? "the duplicate check needs the leadexec destination's aid"
        : undefined,
    pinged: (fields, options) => leadExecFields(fields, options, options.pingFields),
    async ping(fields, call, { duplicateCheck }) {
      if (duplicateCheck) {
        const duplicate = await checkDuplicate(call, duplicateCheckFields(fields, call.options));
        const checked = duplicate.outcome === 'answered' ? duplicate.body.results[0] : undefined;
        // A check that did not run must not pass for "not a duplicate": the form's fallback decides.
        if (!checked?.success) {
          const reason = duplicate.outcome === 'answered' ? checked?.response || 'no result' : duplicate.reason;
          return { outcome: 'none', reason: `duplicate check: ${reason}` };
        }
        if (checked.isDuplicate) return { outcome: 'none' };
      }
      const pinged = await sendPing(call, leadExecFields(fields, call.options, call.options.pingFields));
      if (pinged.outcome === 'rejected') return { outcome: 'refused', reason: pinged.reason };
      const result = pinged.outcome === 'answered' ? pinged.body.results[0] : undefined;
      if (!result?.willAccept || result.offers.length === 0 || result.orderId === '') return { outcome: 'none' };
      return {
        outcome: 'offers',
        orderId: result.orderId,
        expiresOn: result.orderExpiresOn,
        offers: result.offers.map(offerOf),
      };
    },
  },
  // LeadExec's status takes the insert's requestId (kept in the delivered attempt's answer), not its lead id.
  async requestStatus(deliveredAnswers, call) {
    const requestId = deliveredAnswers.map(requestIdOf).find(Boolean);
    if (!requestId) return undefined;
    const answer = await requestStatus(call, requestId).catch(() => undefined);
    return answer?.outcome === 'answered'
      ? { answered: true, requestId: answer.body.requestId, results: answer.body.results }
      : { answered: false };
  },
  // Each offer the consumer chose is marked accepted once the post is in: a step, so the buyer the
  // consumer chose is told even when LeadExec fails the first time.
  followUps: (lead) => (lead.pingPost?.offerIds ?? []).map((offerId) => ({ kind: 'accept', payload: { offerId } })),
  immediateTimeoutMs: (options) =>
    options.mode === 'sends' || options.mode === 'transfer' ? options.handoffTimeoutMs : undefined,
  steps: {
    /**
     * Update Lead with the answers an operator changed, under LeadExec's names; LeadExec knows the
     * lead by the id its insert answered (the delivery's reference).
     */
    update: defineStep(
      z.strictObject({ fields: z.record(z.string(), z.union([z.string(), z.boolean()])) }),
      async (_lead, { fields }, call: LeadExecCall, reference) => {
        const leadUID = Number(reference);
        if (!reference || !Number.isSafeInteger(leadUID)) {
          return { outcome: 'rejected', reason: 'LeadExec gave no lead id to update', httpStatus: null, response: '' };
        }
        return deliveryResultOf(await updateLead(call, { leadUID, fields: leadExecFields(fields, call.options) }));
      },
    ),
    /** Mark Offer as Accepted for one offer the consumer chose, on the lead the post created. */
    accept: defineStep(
      z.strictObject({ offerId: z.string().min(1) }),
      async (_lead, { offerId }, call: LeadExecCall, reference) => {
        const leadUID = Number(reference);
        if (!reference || !Number.isSafeInteger(leadUID)) {
          return {
            outcome: 'rejected',
            reason: 'LeadExec gave no lead id to accept an offer on',
            httpStatus: null,
            response: '',
          };
        }
        const outcome = await acceptOffer(call, leadUID, offerId);
        if (outcome.outcome !== 'answered') return outcome;
        const { body, httpStatus, response } = outcome;
        return body.success
          ? { outcome: 'delivered', reference: offerId, httpStatus, response }
          : { outcome: 'rejected', reason: body.message || 'LeadExec did not accept the offer', httpStatus, response };
      },
    ),
  },
});

/** What an insert came to, with what the consumer may be shown next: a redirect or an agent. */
export interface InsertOutcome {
  result: DeliveryResult;
  /** LeadExec's lead id, which accepting an offer needs. */
  leadUID?: number;
  /** "Insert with sends": the first winning client's redirect URL, if it gave one. */
  redirectUrl?: string;
  /** Call transfer: the agent to put the consumer through to. */
  transfer?: { agentName: string; agentPhone: string };
}

/**
 * Inserts the lead the way the destination's `mode` says. A lead that answers a ping carries its
 * order id and the chosen offers (`lead.pingPost`), so a retry from the queue posts the same choice;
 * marking each chosen offer accepted is a step of its own (`accept`), run once the insert is in.
 */
export async function insertForMode(lead: CanonicalLead, call: LeadExecCall): Promise<InsertOutcome> {
  const fields = { ...leadExecFields(lead.fields, call.options), ...consentTokenFieldsOf(lead.context, call.options) };
  const input: LeadInput = { fields, reference: lead.id };
  if (lead.pingPost) {
    input.orderId = lead.pingPost.orderId;
    input.offerIds = lead.pingPost.offerIds;
  }
  const withLeadUID = (outcome: LeadExecOutcome<Answer<LeadResult>>): InsertOutcome => {
    const result = deliveryResultOf(outcome);
    const leadUID = outcome.outcome === 'answered' ? outcome.body.results[0]?.leadId : undefined;
    return leadUID === undefined ? { result } : { result, leadUID };
  };
  return insertOnce(lead, call, input, withLeadUID);
}

async function insertOnce(
  lead: CanonicalLead,
  call: LeadExecCall,
  input: LeadInput,
  withLeadUID: (outcome: LeadExecOutcome<Answer<LeadResult>>) => InsertOutcome,
): Promise<InsertOutcome> {
  switch (call.options.mode) {
    case 'general':
      return withLeadUID(await insertLead(call, input));
    case 'sends': {
      const outcome = await insertLeadWithSends(call, input);
      const inserted = withLeadUID(outcome);
      const send = outcome.outcome === 'answered' ? outcome.body.results[0]?.sends.find((s) => s.valid) : undefined;
      // The consumer's browser goes there: only an http(s) page, never `javascript:` and the like.
      const redirectUrl = webUrl(send?.redirectURL);
      if (redirectUrl) inserted.redirectUrl = redirectUrl;
      return inserted;
    }
    case 'transfer': {
      const outcome = await insertCallTransfer(call, input);
      const inserted = withLeadUID(outcome);
      const agent = outcome.outcome === 'answered' ? outcome.body.results[0]?.client[0] : undefined;
      if (agent?.agentPhone) inserted.transfer = { agentName: agent.agentName, agentPhone: agent.agentPhone };
      return inserted;
    }
    case 'calldata':
      return withLeadUID(await insertCallLead(call, { ...input, call: callDetailsOf(lead, call.options) }));
  }
}

/** A LeadExec offer in the relay's words: its TCPA text only where LeadExec requires it be shown. */
function offerOf(offer: Offer): ProviderOffer {
  const tcpa = offer.tcpaInformation;
  const custom = tcpa?.customTCPATextRequired && tcpa.tcpaText.trim() !== '' ? tcpa.tcpaText : undefined;
  const provided: ProviderOffer = {
    offerId: offer.offerId,
    companyName: offer.companyName,
    companyPhoneNumber: offer.companyPhoneNumber,
    name: offer.name,
    description: offer.description,
    type: offer.type,
    price: offer.price,
    url: offer.url,
  };
  if (custom !== undefined) provided.consentText = custom;
  if (tcpa?.privacyURL) provided.privacyUrl = tcpa.privacyURL;
  if (tcpa?.termsURL) provided.termsUrl = tcpa.termsURL;
  return provided;
}
