/**
 * @module LeadExec answers: JSON and XML read into one shape, with entity processing off.
 */
import { XMLParser } from 'fast-xml-parser';
import * as z from 'zod';
import { excerpt, type ProviderReply, parseJson, retryableReply } from '../http.ts';
import type { DeliveryResult } from '../types.ts';

/** XML element → JSON name, where it is more than the first letter lowered. */
const XML_NAMES: Readonly<Record<string, string>> = {
  LeadIdentifier: 'leadId',
  CampaignIdentifier: 'campaignId',
  CampaignID: 'campaignId',
  OrderID: 'orderId',
  Id: 'offerId',
  ClientUID: 'clientId',
  TCPAInformation: 'tcpaInformation',
  TCPAText: 'tcpaText',
  PrivacyUrl: 'privacyURL',
  TermsUrl: 'termsURL',
};

/** XML elements that hold a list: their children (whatever their names) become an array. */
const XML_LISTS = new Set(['Results', 'Offers', 'Sends', 'Client']);

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

/**
 * What XML 1.0 does not allow as a character (§2.2: C0 controls but tab and line breaks, surrogates,
 * U+FFFE, U+FFFF), and the C1 controls it discourages: none is text a consumer could be shown, and
 * a lone surrogate breaks any strict parser the answer is passed on to.
 */
const NOT_XML_TEXT = /(?![\t\n\r])[\p{Cc}\p{Cs}\ufffe\uffff]/u;
const EVERY_NOT_XML_TEXT = new RegExp(NOT_XML_TEXT.source, 'gu');

/** The character a reference names, or U+FFFD where XML does not allow it (or it is past U+10FFFF). */
function referencedCharacter(codePoint: number): string {
  const character = codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '';
  return character && !NOT_XML_TEXT.test(character) ? character : '\ufffd';
}

/**
 * XML's own entities and character references; anything a DTD may have declared stays as written.
 * A character XML does not allow becomes U+FFFD, written out or referenced (`&#1;`, `&#xD800;`):
 * refusing the whole answer instead would make a delivered lead look undelivered and be sent again.
 */
function decodePredefinedEntities(text: string): string {
  return text
    .replace(EVERY_NOT_XML_TEXT, '\ufffd')
    .replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
      if (name.startsWith('#x')) return referencedCharacter(Number.parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return referencedCharacter(Number.parseInt(name.slice(1), 10));
      return PREDEFINED_ENTITIES[name] ?? whole;
    });
}

// processEntities: false turns off every entity replacement, DOCTYPE-declared ones included (the
// DOCTYPE is skipped, its entities never applied; one declaring an external entity makes the parser
// throw, so the answer reads as unreadable); the predefined ones are decoded by hand above.
const xmlParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  processEntities: false,
  tagValueProcessor: (_name, value) => decodePredefinedEntities(value),
});

function jsonNameOf(element: string, renames: Readonly<Record<string, string>>): string {
  return renames[element] ?? XML_NAMES[element] ?? element.charAt(0).toLowerCase() + element.slice(1);
}

function listItems(container: unknown): unknown[] {
  if (!container || typeof container !== 'object') return [];
  return Object.values(container).flatMap((items) => (Array.isArray(items) ? items : [items]));
}

function renameXml(node: unknown, renames: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(node)) return node.map((item) => renameXml(item, renames));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [element, value] of Object.entries(node)) {
    out[jsonNameOf(element, renames)] = XML_LISTS.has(element)
      ? listItems(value).map((item) => renameXml(item, renames))
      : renameXml(value, renames);
  }
  return out;
}

/** An XML answer as the JSON answer would be: the root's content, renamed. */
function fromXml(text: string, renames: Readonly<Record<string, string>> = {}): unknown {
  let document: unknown;
  try {
    document = xmlParser.parse(text);
  } catch {
    return undefined;
  }
  const root = document && typeof document === 'object' ? Object.values(document)[0] : undefined;
  return renameXml(root, renames);
}

/** XML text ("true", "True", "12.50", "") or JSON values, read as JSON would have them. */
function fromText(read: (text: string) => unknown) {
  return (value: unknown) => {
    if (typeof value !== 'string') return value;
    const text = value.trim();
    return text === '' ? undefined : read(text);
  };
}
const readBoolean = fromText((text) => ({ true: true, false: false })[text.toLowerCase()] ?? text);
const readNumber = fromText(Number);

const flag = z.preprocess(readBoolean, z.boolean());
const flagOr = (fallback: boolean) => z.preprocess(readBoolean, z.boolean().default(fallback));
const amount = z.preprocess(readNumber, z.number().optional());
/** Text that may be absent, null (a JSON date) or a number in XML: always a string, "" for none. */
export const text = z.preprocess((value) => (value === null || value === undefined ? '' : String(value)), z.string());

export const tcpaInformationSchema = z.object({
  customTCPATextRequired: flagOr(false),
  tcpaText: text,
  privacyURL: text,
  termsURL: text,
});

export const offerSchema = z.object({
  offerId: text,
  companyName: text,
  companyPhoneNumber: text,
  name: text,
  description: text,
  type: text,
  price: amount,
  url: text,
  tcpaInformation: tcpaInformationSchema.optional(),
});
export type Offer = z.infer<typeof offerSchema>;

/** One lead's result: insert, call lead, update and post answer this. */
export const leadResultSchema = z.object({
  isValid: flag,
  responseType: text,
  responseMessage: text,
  leadId: amount,
  campaignId: amount,
  isPendingReview: flagOr(false),
  price: amount,
  offers: z.array(offerSchema).default([]),
});
export type LeadResult = z.infer<typeof leadResultSchema>;

export const sendSchema = z.object({
  clientId: amount,
  clientName: text,
  redirectURL: text,
  valid: flagOr(false),
  price: amount,
});
export const sendsResultSchema = leadResultSchema.extend({ sends: z.array(sendSchema).default([]) });
export type SendsResult = z.infer<typeof sendsResultSchema>;

export const transferClientSchema = z.object({
  clientId: amount,
  clientName: text,
  agentName: text,
  agentPhone: text,
});
export const transferResultSchema = leadResultSchema.extend({ client: z.array(transferClientSchema).default([]) });
export type TransferResult = z.infer<typeof transferResultSchema>;

export const pingResultSchema = z.object({
  willAccept: flag,
  orderId: text,
  orderExpiresOn: text,
  estimatedPayout: amount,
  campaignId: amount,
  response: text,
  offers: z.array(offerSchema).default([]),
});
export type PingResult = z.infer<typeof pingResultSchema>;

export const duplicateResultSchema = z.object({
  success: flag,
  isDuplicate: flagOr(false),
  duplicateLeadId: amount,
  receivedOn: text,
  response: text,
});
export type DuplicateResult = z.infer<typeof duplicateResultSchema>;

export const statusResultSchema = z.object({
  leadId: amount,
  isValid: flag,
  rejectionReason: text,
  campaignId: amount,
  dateReceived: text,
  qualityControlDetails: z
    .object({
      isPendingReview: flagOr(false),
      dateOfReview: text,
      isQualityControlRejected: flagOr(false),
      rejectionReason: text,
    })
    .optional(),
  returnDetails: z.object({ isReturned: flagOr(false), dateOfReturn: text, returnReason: text }).optional(),
});
export type StatusResult = z.infer<typeof statusResultSchema>;

export const acceptOfferResultSchema = z.object({ success: flag, message: text });
export type AcceptOfferResult = z.infer<typeof acceptOfferResultSchema>;

/** Every answer but accept offer: a request id and one result per lead sent. */
function answerSchema<Result extends z.ZodType>(result: Result) {
  return z.object({ requestId: z.string(), results: z.array(result) });
}
export type Answer<Result> = { requestId: string; results: Result[] };

function parseWith<Schema extends z.ZodType>(
  schema: Schema,
  renames?: Readonly<Record<string, string>>,
): (text: string) => z.infer<Schema> | undefined {
  return (text) => {
    const raw = text.trimStart().startsWith('<') ? fromXml(text, renames) : parseJson(text);
    const parsed = schema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  };
}

export const parseLeadResponse = parseWith(answerSchema(leadResultSchema));
export const parseSendsResponse = parseWith(answerSchema(sendsResultSchema));
export const parseTransferResponse = parseWith(answerSchema(transferResultSchema), { Sends: 'client' });
export const parsePingResponse = parseWith(answerSchema(pingResultSchema));
export const parseDuplicateResponse = parseWith(answerSchema(duplicateResultSchema));
export const parseStatusResponse = parseWith(answerSchema(statusResultSchema));
export const parseAcceptOfferResponse = parseWith(acceptOfferResultSchema);

/** What one endpoint call came to: the answer read into its result, or why there is none. */
export type LeadExecOutcome<Body> =
  | { outcome: 'answered'; body: Body; httpStatus: number; response: string }
  | Extract<DeliveryResult, { outcome: 'rejected' | 'retryable' }>;

export function readReply<Body>(
  reply: ProviderReply,
  parse: (text: string) => Body | undefined,
): LeadExecOutcome<Body> {
  const retry = retryableReply(reply);
  if (retry?.outcome === 'retryable') return retry;
  const { status } = reply;
  const response = excerpt(reply.text);
  if (status === 401 || status === 403) {
    return {
      outcome: 'rejected',
      reason: `Unauthorised: LeadExec refused the key (HTTP ${status})`,
      httpStatus: status,
      response,
    };
  }
  // LeadExec may say no with a 4xx and a result body; a result is read the same whatever the status.
  if ((status >= 200 && status < 300) || (status >= 400 && status < 500)) {
    const body = parse(reply.text);
    if (body !== undefined) return { outcome: 'answered', body, httpStatus: status, response };
  }
  if (status >= 400)
    return { outcome: 'rejected', reason: `LeadExec answered HTTP ${status}`, httpStatus: status, response };
  return { outcome: 'retryable', reason: `Unreadable LeadExec answer (HTTP ${status})`, httpStatus: status, response };
}
