/**
 * @module LeadExec lead receiver (v2), from `leadexec-lead-receiver-api.txt`: all ten endpoints, in
 * JSON (`api-key` header) or XML (`authorization: Bearer <key>`, as the XML examples show), as the
 * destination's `format` says. Paths after LEADEXEC_BASE_URL, as the JSON examples give them (the XML
 * examples copy `/v2/insert/general` into every request line):
 *
 *   POST /v2/insert/general                    insert, insert with sends, inbound post
 *   POST /v2/insert/transfer                   call transfer
 *   POST /v2/insert/calldata                   call lead
 *   PUT  /v2/update                            update
 *   POST /v2/insert/ping                       inbound ping
 *   POST /v2/duplicate/check                   duplicate check
 *   GET  /v2/status/{id}                       request status
 *   PUT  /v2/leads/{leadUID}/offers/{offerId}/accept
 *
 * Every endpoint function answers a LeadExecOutcome: the answer read into its result (whatever it
 * says), or `rejected` (401/403, or another 4xx we cannot read) or `retryable` (5xx, 429, an
 * unreadable 2xx, a 3xx). Only a thrown network error or timeout escapes, which the consumer retries.
 *
 * Choices where the document is ambiguous or silent:
 * - Insert with sends: its JSON example posts to `/v2/insert/general` too, so it is the general
 *   insert read for `sends` (LeadExec returns them once the account is approved for the feature).
 *   The inbound post is the general insert with `orderId` and `offerIds` in the lead's properties.
 * - A result is delivered only when `isValid` is true and `responseType` is `No_Error` (or empty, as
 *   in the document's own examples); `isValid: false` is never delivered; a `responseType` naming a
 *   failure wins over `isValid: true`. The reference is LeadExec's `leadId`; our lead id travels as
 *   the lead's `reference` property, which the document offers "for reporting purposes".
 * - `Post_Over_Max` is retryable, not rejected: it says a posting cap was reached, not that the lead
 *   is bad, and caps lift (daily or hourly). Rejected would be final and not replayable; retryable
 *   backs off, and once the attempts run out the lead shows failed and an admin can replay it.
 * - The other nine failure types (Duplicate_Lead, Outside_Criteria, Data_Errors, System_ID_Missing,
 *   LeadType_ID_Missing, Vendor_ID_Missing, No_Account_Found, Account_Disabled, and any type the
 *   document does not list) are rejected with `"<responseType>: <responseMessage>"`.
 * - An unreadable 2xx is retryable: we cannot tell whether LeadExec kept the lead, and losing one is
 *   worse than a retry that LeadExec may answer with Duplicate_Lead.
 * - Request status takes the `requestId` of the insert's answer (the document: "Request identifier
 *   received from the create lead response"), not the lead id; `requestIdOf` finds it in a stored
 *   answer.
 * - XML results use other names than JSON (`LeadIdentifier`/`leadId`, `CampaignID`/`campaignId`,
 *   `OrderID`/`orderId`, `Id`/`offerId`, `ClientUID`/`clientId`, `TCPAInformation`, `PrivacyUrl`…);
 *   they are renamed to the JSON names and read by the same zod schema, with "true"/"True" and
 *   numeric text accepted where JSON has booleans and numbers. Root and item element names
 *   (`LeadReceiverResult`, `d2p1:PostResponse`, …) are not checked: only their content matters.
 * - The XML call-transfer example shows `<Sends>` (copied from the sends example) where the JSON
 *   has `client` with agents: both are read as `client`.
 * - XML requests: `<Leads vid lid aid><Lead reference offerids="a|b" orderID>…fields…</Lead></Leads>`
 *   as the document shows; call data as the child elements it shows (`IVRNumber`, `CallDuration`,
 *   `CallResult`, `CallDate`, plus `RecordingUrl`). The document shows no XML for `sendDelay`,
 *   `returnURL`, `noSell`, update, status or accept offer: they follow the same pattern (attributes
 *   `sendDelay`/`returnURL` on `<Leads>` and `noSell`/`leadUID`/`processDelivery` on `<Lead>`, sent
 *   only when they differ from the default), and the bodiless status and accept calls ask for XML.
 * - XML answers are parsed with entity processing off, so a DTD in an answer can define nothing we
 *   expand; only XML's five predefined entities and character references are decoded, by hand,
 *   and a character XML does not allow (`&#1;`, `&#xD800;`, written out or referenced) becomes U+FFFD.
 * - The duplicate check table names an `access_token` header; its example sends `api-key`, as here.
 * - `returnURL` comes only from configuration, never from a lead or a client.
 * - Consent tokens (a TrustedForm certificate URL, a Jornaya LeadiD): the document names no field
 *   for them (fields are "dynamic" per posting document), so each goes in the field the
 *   destination's `consentTokenFields` names, as an ordinary field of the insert or post.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import * as z from 'zod';
import { CONSENT_TOKEN_KEYS } from '../../shared/context-keys.ts';
import { callProvider, excerpt, type ProviderReply, parseJson, retryableReply, webUrl } from './http.ts';
import {
  type CanonicalLead,
  type DeliveryResult,
  defineAdapter,
  defineStep,
  fieldText,
  type Handoff,
  type ProviderContext,
} from './types.ts';

/** The ten `responseType` values the document lists. */
export const RESPONSE_TYPES = [
  'No_Error',
  'System_ID_Missing',
  'LeadType_ID_Missing',
  'Vendor_ID_Missing',
  'No_Account_Found',
  'Outside_Criteria',
  'Duplicate_Lead',
  'Account_Disabled',
  'Post_Over_Max',
  'Data_Errors',
] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

/** A LeadExec field name: also an XML element name, so letters, digits and `_` only. */
const leadExecFieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a LeadExec field name (A-Z, 0-9, _)');

/**
 * LeadExec field ← form field, unless `fieldMap` says otherwise. Fields are "dynamic" per posting
 * document; these are the names the document's own examples use (FirstName, LastName, Email, Phone,
 * State, Zip) plus the usual address lines.
 */
export const DEFAULT_FIELD_MAP: Readonly<Record<string, string>> = {
  FirstName: 'firstName',
  LastName: 'lastName',
  Email: 'email',
  Phone: 'phone',
  Address: 'address',
  City: 'city',
  State: 'state',
  Zip: 'zip',
};

/** The LeadExec fields a form must ask for: what the document's examples send on every insert. */
const REQUIRED_FIELDS = ['FirstName', 'LastName', 'Email', 'Phone', 'Zip'] as const;

/** For `mode: "calldata"`: the form fields that describe the call (document: "Create Call Lead"). */
const CALL_FIELDS = {
  callDuration: 'callDuration',
  callResult: 'callResult',
  callDate: 'callDate',
  recordingUrl: 'recordingUrl',
} as const;

export const leadExecOptionsSchema = z
  .strictObject({
    /** `source.vid`, the source identifier LeadExec gave you. Required. */
    vid: z.int().positive(),
    /** `source.lid`, the lead type identifier. Required. */
    lid: z.int().positive(),
    /** `source.aid`, the campaign identifier. Optional, but the duplicate check needs it. */
    aid: z.int().positive().optional(),
    /** `source.sendDelay`: hours LeadExec waits before sending the lead on. Default 0. */
    sendDelay: z.number().nonnegative().default(0),
    /** `source.returnURL`: LeadExec calls it when async processing ends. Default: none. */
    returnURL: z.url({ protocol: /^https$/ }).optional(),
    /** Request and answer format. Default `json`. */
    format: z.enum(['json', 'xml']).default('json'),
    /** Which insert a delivery uses: general, with sends, call transfer or call lead. Default `general`. */
    mode: z.enum(['general', 'sends', 'transfer', 'calldata']).default('general'),
    /** `lead.properties.noSell`: keep LeadExec from delivering the lead on. Default false. */
    noSell: z.boolean().default(false),
    /** `lead.properties.ivrNumber`, the inbound number called; required for `mode: "calldata"`. */
    ivrNumber: z.int().positive().optional(),
    /** LeadExec field name → form field name, over DEFAULT_FIELD_MAP. Default: none. */
    fieldMap: z.record(leadExecFieldName, z.string()).default({}),
    /** The form uses ping/post (offers shown before submit). Default false. */
    pingPost: z.boolean().default(false),
    /** Form fields a ping sends: never contact details. Default `state`, `zip`. */
    pingFields: z.array(z.string()).default(['state', 'zip']),
    /**
     * For `mode: "sends"` and `"transfer"`, whose answer is for the consumer (the buyer's page, the
     * agent): how long the consumer waits for the first attempt, made inside the request. Default 3000.
     */
    handoffTimeoutMs: z.int().min(500).max(10_000).default(3000),
    /**
     * LeadExec field ← consent token the widget found on the partner's page: `xxTrustedFormCertUrl`
     * (TrustedForm's certificate URL; LeadExec's TrustedForm integration claims it from the field
     * each lead type maps) and `leadid_token` (Jornaya's LeadiD). Each goes on every insert that has
     * it, the post included, only when named here. Default: none.
     */
    consentTokenFields: z
      .strictObject({ xxTrustedFormCertUrl: leadExecFieldName.optional(), leadid_token: leadExecFieldName.optional() })
      .default({}),
  })
  .superRefine((options, ctx) => {
    if (options.mode === 'calldata' && options.ivrNumber === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ivrNumber'], message: 'mode "calldata" needs the ivrNumber called' });
    }
    // A token must not overwrite an answer, nor an answer a token: each LeadExec field has one source.
    const answered = fieldMapOf(options);
    for (const [token, field] of Object.entries(options.consentTokenFields)) {
      if (field && answered[field] !== undefined) {
        const message = `"${field}" already carries the form field "${answered[field]}"`;
        ctx.addIssue({ code: 'custom', path: ['consentTokenFields', token], message });
      }
    }
  });
export type LeadExecOptions = z.infer<typeof leadExecOptionsSchema>;

/** What every endpoint function needs: the destination's options, base URL, key and a deadline. */
export type LeadExecCall = ProviderContext<LeadExecOptions>;

function fieldMapOf(options: Pick<LeadExecOptions, 'fieldMap'>): Record<string, string> {
  return { ...DEFAULT_FIELD_MAP, ...options.fieldMap };
}

/** The consent tokens a lead carries, under the LeadExec fields `consentTokenFields` names for them. */
function consentTokenFieldsOf(context: CanonicalLead['context'], options: LeadExecOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const token of CONSENT_TOKEN_KEYS) {
    const field = options.consentTokenFields[token];
    const value = context[token];
    if (field && value) out[field] = value;
  }
  return out;
}

/** What a duplicate check compares: the lead's email and phone, under LeadExec's names, wherever the form keeps them. */
export function duplicateCheckFields(
  fields: CanonicalLead['fields'],
  options: LeadExecOptions,
): Record<string, string> {
  const map = fieldMapOf(options);
  return leadExecFields(
    fields,
    options,
    [map.Email, map.Phone].filter((n): n is string => Boolean(n)),
  );
}

/** The lead's fields under LeadExec's names; `only` limits them to some form fields (a ping's). */
export function leadExecFields(
  fields: CanonicalLead['fields'],
  options: LeadExecOptions,
  only?: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, source] of Object.entries(fieldMapOf(options))) {
    if (only && !only.includes(source)) continue;
    const value = fields[source];
    if (typeof value === 'string' && value !== '') out[name] = value;
    else if (typeof value === 'boolean') out[name] = String(value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Requests

/** `leads[].properties`, in the document's names. */
export interface LeadProperties {
  reference?: string;
  noSell?: boolean;
  orderId?: string;
  offerIds?: readonly string[];
  ivrNumber?: number;
  callDuration?: number;
  callResult?: string;
  callDate?: string;
  recordingUrl?: string;
  leadUID?: number;
  processDelivery?: boolean;
}

/** Which `source` an endpoint takes: inserts all of it, ping and duplicate check no delay, update ids only. */
type SourceShape = 'insert' | 'query' | 'update';

interface RequestSpec {
  method: 'POST' | 'PUT' | 'GET';
  path: string;
  source?: SourceShape;
  properties?: LeadProperties;
  fields?: Record<string, string>;
}

function sourceOf(options: LeadExecOptions, shape: SourceShape): Record<string, number | string> {
  if (shape === 'update') return { vid: options.vid, lid: options.lid };
  const source: Record<string, number | string> = { vid: options.vid };
  if (options.aid !== undefined) source.aid = options.aid;
  source.lid = options.lid;
  if (shape === 'query') return source;
  source.sendDelay = options.sendDelay;
  if (options.returnURL) source.returnURL = options.returnURL;
  return source;
}

function jsonBody(spec: Required<Pick<RequestSpec, 'source'>> & RequestSpec, options: LeadExecOptions): string {
  return JSON.stringify({
    source: sourceOf(options, spec.source),
    leads: [{ properties: spec.properties ?? {}, fields: spec.fields ?? {} }],
  });
}

// Escapes &, <, >, ' and " in text and attributes; `noSell="true"` stays a value, not a bare name.
const xmlBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
  suppressBooleanAttributes: false,
});

/** Property → XML attribute on `<Lead>`, as the post example writes them (`offerids`, `orderID`). */
function leadAttributes(properties: LeadProperties): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (properties.reference !== undefined) attributes['@_reference'] = properties.reference;
  if (properties.offerIds?.length) attributes['@_offerids'] = properties.offerIds.join('|');
  if (properties.orderId !== undefined) attributes['@_orderID'] = properties.orderId;
  if (properties.noSell) attributes['@_noSell'] = 'true';
  if (properties.leadUID !== undefined) attributes['@_leadUID'] = String(properties.leadUID);
  if (properties.processDelivery) attributes['@_processDelivery'] = 'true';
  return attributes;
}

/** Call data → the child elements the call lead example shows. */
function callElements(properties: LeadProperties): Record<string, string> {
  const elements: Record<string, string> = {};
  if (properties.ivrNumber !== undefined) elements.IVRNumber = String(properties.ivrNumber);
  if (properties.callDuration !== undefined) elements.CallDuration = String(properties.callDuration);
  if (properties.callResult !== undefined) elements.CallResult = properties.callResult;
  if (properties.callDate !== undefined) elements.CallDate = properties.callDate;
  if (properties.recordingUrl !== undefined) elements.RecordingUrl = properties.recordingUrl;
  return elements;
}

function xmlBody(spec: Required<Pick<RequestSpec, 'source'>> & RequestSpec, options: LeadExecOptions): string {
  const source = sourceOf(options, spec.source);
  // In the order the examples write them: vid, lid, aid; then what they do not show, if set.
  const leadsAttributes: Record<string, string> = {};
  for (const name of ['vid', 'lid', 'aid', 'sendDelay', 'returnURL']) {
    const value = source[name];
    if (value === undefined || (name === 'sendDelay' && value === 0)) continue;
    leadsAttributes[`@_${name}`] = String(value);
  }
  const properties = spec.properties ?? {};
  return xmlBuilder.build({
    Leads: {
      ...leadsAttributes,
      Lead: { ...leadAttributes(properties), ...callElements(properties), ...spec.fields },
    },
  });
}

function headersFor(options: LeadExecOptions, apiKey: string, withBody: boolean): Record<string, string> {
  const type = options.format === 'xml' ? 'application/xml' : 'application/json';
  const headers: Record<string, string> = { accept: type };
  if (withBody) headers['content-type'] = type;
  if (options.format === 'xml') headers.authorization = `Bearer ${apiKey}`;
  else headers['api-key'] = apiKey;
  return headers;
}

async function send(call: LeadExecCall, spec: RequestSpec): Promise<ProviderReply> {
  const { options, baseUrl, apiKey, signal, transport } = call;
  let body: string | undefined;
  if (spec.source) {
    const withSource = { ...spec, source: spec.source };
    body = options.format === 'xml' ? xmlBody(withSource, options) : jsonBody(withSource, options);
  }
  // The accept example sends a content type with no body; status is a GET with none.
  const headers = headersFor(options, apiKey, spec.method !== 'GET');
  return callProvider(`${baseUrl}${spec.path}`, { method: spec.method, headers, body }, signal, transport);
}

// ---------------------------------------------------------------------------------------------
// Answers

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
const text = z.preprocess((value) => (value === null || value === undefined ? '' : String(value)), z.string());

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

function readReply<Body>(reply: ProviderReply, parse: (text: string) => Body | undefined): LeadExecOutcome<Body> {
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

// ---------------------------------------------------------------------------------------------
// The ten endpoints

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
// Delivery

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
