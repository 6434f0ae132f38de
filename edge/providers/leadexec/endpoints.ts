/**
 * @module LeadExec's ten endpoints, each answering a LeadExecOutcome.
 */
import {
  type AcceptOfferResult,
  type Answer,
  type DuplicateResult,
  type LeadExecOutcome,
  type LeadResult,
  type PingResult,
  parseAcceptOfferResponse,
  parseDuplicateResponse,
  parseLeadResponse,
  parsePingResponse,
  parseSendsResponse,
  parseStatusResponse,
  parseTransferResponse,
  readReply,
  type SendsResult,
  type StatusResult,
  type TransferResult,
} from './answers.ts';
import type { LeadExecCall } from './options.ts';
import { type LeadProperties, type RequestSpec, send } from './requests.ts';

/** A lead to insert: its LeadExec fields, our reference, and the ping's order it answers, if any. */
export interface LeadInput {
  fields: Record<string, string>;
  reference?: string;
  orderId?: string;
  /** With `orderId`: the offers of that ping the consumer chose (an inbound post). */
  offerIds?: readonly string[];
}

function insertProperties(call: LeadExecCall, lead: LeadInput): LeadProperties {
  const properties: LeadProperties = { reference: lead.reference ?? '', noSell: call.options.noSell };
  if (lead.orderId !== undefined) properties.orderId = lead.orderId;
  if (lead.offerIds !== undefined) properties.offerIds = lead.offerIds;
  return properties;
}

/** Every insert posts the whole `source` and the lead with its properties; only the path differs. */
function insertSpec(call: LeadExecCall, lead: LeadInput, path: string): RequestSpec {
  return { method: 'POST', path, source: 'insert', properties: insertProperties(call, lead), fields: lead.fields };
}

/** Create Lead: `POST /v2/insert/general`. */
export async function insertLead(call: LeadExecCall, lead: LeadInput): Promise<LeadExecOutcome<Answer<LeadResult>>> {
  return readReply(await send(call, insertSpec(call, lead, '/v2/insert/general')), parseLeadResponse);
}

/** Create Lead and Return Send Information: the general insert, read for each send's result. */
export async function insertLeadWithSends(
  call: LeadExecCall,
  lead: LeadInput,
): Promise<LeadExecOutcome<Answer<SendsResult>>> {
  return readReply(await send(call, insertSpec(call, lead, '/v2/insert/general')), parseSendsResponse);
}

/** Create Call Transfer Lead: `POST /v2/insert/transfer`, answering the agent to transfer to. */
export async function insertCallTransfer(
  call: LeadExecCall,
  lead: LeadInput,
): Promise<LeadExecOutcome<Answer<TransferResult>>> {
  return readReply(await send(call, insertSpec(call, lead, '/v2/insert/transfer')), parseTransferResponse);
}

/** The call a call lead describes (`ivrNumber`, `callDuration` and `callResult` are required). */
export interface CallDetails {
  ivrNumber: number;
  callDuration: number;
  callResult: string;
  callDate?: string;
  recordingUrl?: string;
}

/** Create Call Lead: `POST /v2/insert/calldata`. */
export async function insertCallLead(
  call: LeadExecCall,
  lead: LeadInput & { call: CallDetails },
): Promise<LeadExecOutcome<Answer<LeadResult>>> {
  const spec: RequestSpec = {
    method: 'POST',
    path: '/v2/insert/calldata',
    source: 'insert',
    properties: { ...insertProperties(call, lead), ...lead.call },
    fields: lead.fields,
  };
  return readReply(await send(call, spec), parseLeadResponse);
}

/** Update Lead: `PUT /v2/update`, new field values for a lead LeadExec already has. */
export async function updateLead(
  call: LeadExecCall,
  update: { leadUID: number; processDelivery?: boolean; fields: Record<string, string> },
): Promise<LeadExecOutcome<Answer<LeadResult>>> {
  const spec: RequestSpec = {
    method: 'PUT',
    path: '/v2/update',
    source: 'update',
    properties: { leadUID: update.leadUID, processDelivery: update.processDelivery ?? false },
    fields: update.fields,
  };
  return readReply(await send(call, spec), parseLeadResponse);
}

/** Create Inbound PING: `POST /v2/insert/ping` with the few fields a ping may carry. */
export async function sendPing(
  call: LeadExecCall,
  fields: Record<string, string>,
): Promise<LeadExecOutcome<Answer<PingResult>>> {
  const spec: RequestSpec = { method: 'POST', path: '/v2/insert/ping', source: 'query', properties: {}, fields };
  return readReply(await send(call, spec), parsePingResponse);
}

/** Duplicate Check: `POST /v2/duplicate/check` (the account needs the permission; `aid` is required). */
export async function checkDuplicate(
  call: LeadExecCall,
  fields: Record<string, string>,
): Promise<LeadExecOutcome<Answer<DuplicateResult>>> {
  const spec: RequestSpec = { method: 'POST', path: '/v2/duplicate/check', source: 'query', properties: {}, fields };
  return readReply(await send(call, spec), parseDuplicateResponse);
}

/** Lead Request Status: `GET /v2/status/{id}`, where id is an insert answer's `requestId`. */
export async function requestStatus(
  call: LeadExecCall,
  requestId: string,
): Promise<LeadExecOutcome<Answer<StatusResult>>> {
  const spec: RequestSpec = { method: 'GET', path: `/v2/status/${encodeURIComponent(requestId)}` };
  return readReply(await send(call, spec), parseStatusResponse);
}

/** Mark Offer as Accepted: `PUT /v2/leads/{leadUID}/offers/{offerId}/accept`. */
export async function acceptOffer(
  call: LeadExecCall,
  leadUID: number,
  offerId: string,
): Promise<LeadExecOutcome<AcceptOfferResult>> {
  const spec: RequestSpec = {
    method: 'PUT',
    path: `/v2/leads/${encodeURIComponent(String(leadUID))}/offers/${encodeURIComponent(offerId)}/accept`,
  };
  return readReply(await send(call, spec), parseAcceptOfferResponse);
}

// ---------------------------------------------------------------------------------------------
