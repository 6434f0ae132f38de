/**
 * @module LeadExec lead receiver (v2) simulator, from `leadexec-lead-receiver-api.txt`: all ten
 * endpoints, answering JSON or XML as the request's content type (or, with no body, its accept
 * header) asks. JSON authenticates with `api-key`, XML with `authorization: Bearer`; anything else
 * is 401. Like LeadExec it says no with HTTP 200 and `isValid: false`: a missing vid or lid
 * (Vendor_ID_Missing, LeadType_ID_Missing), a missing or invalid `sendDelay` on an insert, a missing
 * or malformed field (Data_Errors), an email or phone it has seen before (Duplicate_Lead). A ping
 * answers an order that expires (five minutes by default) with two offers and their TCPA texts; a
 * post must name a live order and only its offers.
 * The simulated account is its `settings`:
 * - Which fields an insert needs comes from the posting document LeadExec gives each account, not
 *   from the API document: by default FirstName and LastName, the fields every insert example shows
 *   (`requiredFields`), or per lead type (`requiredFieldsByLeadType`). Email and Phone, when sent,
 *   must be well formed.
 * - `sendDelay` is required on every insert (the tables say so). JSON must carry it, a number of
 *   hours of 0 or more; the XML examples carry none, so there it is an optional `sendDelay` attribute.
 * - Insert with sends posts to `/v2/insert/general` like the document's example, so sends come back
 *   only for a source approved for them (the document: "requires approval"): by default the vid and
 *   lid of every demo form's LeadExec destination with `mode: "sends"` (`sendsApprovedSources`), or
 *   every source once `sendsApproved` is set. Each send that gives a redirect URL gives an https one.
 * - Consent tokens are ordinary fields the posting document types (`consentTokenFields`): taken
 *   and kept with the lead when they hold a TrustedForm certificate URL or a Jornaya LeadiD,
 *   Data_Errors when they hold anything else.
 * XML answers are named as the document's XML examples name them: the call transfer answers its
 * clients as `<Sends><Send>` (ClientUID, ClientName, RedirectURL, Valid, Price, as the example shows)
 * with the agent the JSON names added as `<AgentName>` and `<AgentPhone>`.
 * Where the document shows no XML (update, status, accept offer) the same naming pattern is used.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { type Context, Hono } from 'hono';
import { demoForms } from '../forms/index.ts';
import { opensAccount } from './keys.ts';

/** A LeadExec source: the vid and lid an insert names. */
export interface LeadExecSource {
  vid: number;
  lid: number;
}

export interface LeadExecSimulatorSettings {
  /** How long a ping's order stays open, in ms. Default five minutes. */
  orderTtlMs: number;
  /** Whether every source of the account may use "insert with sends". Default false. */
  sendsApproved: boolean;
  /** The sources approved for "insert with sends". Default: the demo forms' `mode: "sends"` destinations. */
  sendsApprovedSources: LeadExecSource[];
  /** The fields the posting document requires on every insert. Default FirstName and LastName. */
  requiredFields: string[];
  /** Per lead type (lid), the fields its posting document requires instead. Default: none. */
  requiredFieldsByLeadType: Record<number, string[]>;
  /** Where an approved send takes the consumer. Default: the buyer's https page; `npm start` points it at the sandbox's own. */
  buyerPageUrl: string;
  /**
   * The fields the posting document types as consent evidence, and as which: a TrustedForm
   * certificate URL (LeadExec's TrustedForm integration claims it) or a Jornaya LeadiD. A value of
   * another shape is Data_Errors. Default: `TrustedFormCertUrl` and `LeadiD`, as the demo forms map them.
   */
  consentTokenFields: Record<string, ConsentToken>;
}

type ConsentToken = 'trustedform' | 'leadid';

/** What each consent token looks like, as the vendors document them. */
const CONSENT_TOKEN_SHAPES: Record<ConsentToken, { name: string; valid: (value: string) => boolean }> = {
  trustedform: {
    name: 'a TrustedForm certificate URL',
    valid: (value) => {
      const url = URL.parse(value);
      return url?.protocol === 'https:' && url.hostname === 'cert.trustedform.com' && url.pathname.length > 1;
    },
  },
  leadid: {
    name: 'a Jornaya LeadiD',
    valid: (value) => /^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$/i.test(value),
  },
};

/** Every insert example in the document carries these two fields; the rest are "dynamic". */
export const DEFAULT_REQUIRED_FIELDS = ['FirstName', 'LastName'];

interface DemoDestination {
  provider: string;
  options: Record<string, unknown>;
}

/** The vid and lid of each demo LeadExec destination that inserts with sends. */
export function demoSendsSources(
  forms: readonly { destinations: readonly DemoDestination[] }[] = demoForms,
): LeadExecSource[] {
  return forms.flatMap((form) =>
    form.destinations.flatMap(({ provider, options }) =>
      provider === 'leadexec' && options.mode === 'sends'
        ? [{ vid: Number(options.vid), lid: Number(options.lid) }]
        : [],
    ),
  );
}

type Format = 'json' | 'xml';
type InsertKind = 'general' | 'transfer' | 'calldata';

interface Source {
  vid: number;
  lid: number;
  aid: number;
  /** Hours to delay sending; `missing` or `invalid` when the request did not give a usable one. */
  sendDelay: number | 'missing' | 'invalid';
}

interface IncomingLead {
  properties: Record<string, unknown>;
  fields: Record<string, string>;
}

interface IncomingRequest {
  source: Source;
  leads: IncomingLead[];
}

interface Offer {
  offerId: string;
  companyName: string;
  companyPhoneNumber: string;
  name: string;
  description: string;
  type: 'Monthly' | 'Yearly';
  price: number;
  url: string;
  tcpaInformation: { customTCPATextRequired: boolean; tcpaText: string; privacyURL: string; termsURL: string };
}

interface Order {
  orderId: string;
  expiresAt: number;
  campaignId: number;
  estimatedPayout: number;
  offers: Offer[];
  used: boolean;
}

interface StoredLead {
  leadId: number;
  email: string;
  phone: string;
  fields: Record<string, string>;
  campaignId: number;
  receivedOn: string;
  offers: Offer[];
  acceptedOffers: Set<string>;
}

interface LeadResult {
  isValid: boolean;
  responseType: string;
  responseMessage: string;
  leadId: number;
  campaignId: number;
  isPendingReview: boolean;
  price: number;
  offers?: Offer[];
  sends?: { clientId: number; clientName: string; redirectURL: string; valid: boolean; price: number }[];
  client?: { clientId: number; clientName: string; agentName: string; agentPhone: string }[];
}

interface StatusEntry {
  leadId: number;
  isValid: boolean;
  rejectionReason: string;
  campaignId: number;
  dateReceived: string;
}

/** A ZIP no buyer covers: pings for it are answered `willAccept: false`. */
export const UNCOVERED_ZIP = '00000';
const CALL_ELEMENTS: Record<string, string> = {
  IVRNumber: 'ivrNumber',
  CallDuration: 'callDuration',
  CallResult: 'callResult',
  CallDate: 'callDate',
  RecordingUrl: 'recordingUrl',
};
const XMLNS = {
  '@_xmlns:i': 'http://www.w3.org/2001/XMLSchema-instance',
  '@_xmlns': 'http://schemas.datacontract.org/2004/07/LeadExec.LeadReceiver.API.Models',
};
const XMLNS_RESULTS = { '@_xmlns:d2p1': 'http://schemas.datacontract.org/2004/07/LeadImportService.Core.Classes' };

const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return PREDEFINED_ENTITIES[name] ?? whole;
  });
}

// Entities off (a DTD in a request is never expanded); the five predefined ones decoded by hand.
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  ignoreDeclaration: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  isArray: (name) => name === 'Lead',
  tagValueProcessor: (_name, value) => decodeEntities(value),
  attributeValueProcessor: (_name, value) => decodeEntities(value),
});
const xmlBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true });

function formatOf(c: Context): Format {
  const type = c.req.header('content-type') ?? c.req.header('accept') ?? '';
  return type.includes('xml') ? 'xml' : 'json';
}

function positive(value: unknown): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** `source.sendDelay`: a number of hours, 0 or more. JSON must send a number; XML sends text. */
function sendDelayOf(value: unknown, format: Format): Source['sendDelay'] {
  if (value === undefined || value === null) return format === 'xml' ? 0 : 'missing';
  if (format === 'json' && typeof value !== 'number') return 'invalid';
  if (format === 'xml' && (typeof value !== 'string' || value.trim() === '')) return 'invalid';
  const hours = Number(value);
  return Number.isFinite(hours) && hours >= 0 ? hours : 'invalid';
}

function asFields(value: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!value || typeof value !== 'object') return fields;
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[name] = String(v);
  }
  return fields;
}

function readJson(text: string): IncomingRequest | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object') return undefined;
  const { source, leads } = body as { source?: Record<string, unknown>; leads?: unknown };
  if (!Array.isArray(leads)) return undefined;
  return {
    source: {
      vid: positive(source?.vid),
      lid: positive(source?.lid),
      aid: positive(source?.aid),
      sendDelay: sendDelayOf(source?.sendDelay, 'json'),
    },
    leads: leads.map((lead: { properties?: unknown; fields?: unknown }) => ({
      properties: lead?.properties && typeof lead.properties === 'object' ? { ...lead.properties } : {},
      fields: asFields(lead?.fields),
    })),
  };
}

function readXmlLead(lead: Record<string, unknown>): IncomingLead {
  const properties: Record<string, unknown> = {};
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(lead)) {
    if (name.startsWith('@_')) {
      const attribute = name.slice(2);
      if (attribute === 'offerids') properties.offerIds = String(value).split('|').filter(Boolean);
      else if (attribute === 'orderID') properties.orderId = String(value);
      else if (attribute === 'noSell' || attribute === 'processDelivery') properties[attribute] = value === 'true';
      else properties[attribute] = String(value);
    } else if (CALL_ELEMENTS[name]) {
      properties[CALL_ELEMENTS[name]] = String(value);
    } else if (typeof value === 'string') {
      fields[name] = value;
    }
  }
  return { properties, fields };
}

function readXml(text: string): IncomingRequest | undefined {
  let document: { Leads?: Record<string, unknown> };
  try {
    document = xmlParser.parse(text);
  } catch {
    return undefined;
  }
  const root = document.Leads;
  if (!root || typeof root !== 'object') return undefined;
  const leads = Array.isArray(root.Lead) ? (root.Lead as Record<string, unknown>[]) : [];
  return {
    source: {
      vid: positive(root['@_vid']),
      lid: positive(root['@_lid']),
      aid: positive(root['@_aid']),
      sendDelay: sendDelayOf(root['@_sendDelay'], 'xml'),
    },
    leads: leads.map((lead) => readXmlLead(typeof lead === 'object' && lead ? lead : {})),
  };
}

// --- XML answers, named as the document's XML examples name them -------------------------------

const xmlBool = (value: boolean) => String(value);

function xmlOffer(offer: Offer) {
  return {
    Id: offer.offerId,
    CompanyName: offer.companyName,
    CompanyPhoneNumber: offer.companyPhoneNumber,
    Name: offer.name,
    Description: offer.description,
    Type: offer.type,
    Price: offer.price.toFixed(2),
    Url: offer.url,
    TCPAInformation: {
      // The document writes this one capitalised (.NET's bool.ToString()).
      CustomTCPATextRequired: offer.tcpaInformation.customTCPATextRequired ? 'True' : 'False',
      TCPAText: offer.tcpaInformation.tcpaText,
      PrivacyUrl: offer.tcpaInformation.privacyURL,
      TermsUrl: offer.tcpaInformation.termsURL,
    },
  };
}

function xmlLeadResult(result: LeadResult) {
  const element: Record<string, unknown> = {
    IsValid: xmlBool(result.isValid),
    ResponseType: result.responseType,
    ResponseMessage: result.responseMessage,
    LeadIdentifier: result.leadId,
    CampaignIdentifier: result.campaignId,
    IsPendingReview: xmlBool(result.isPendingReview),
    Price: result.price,
  };
  if (result.offers) element.Offers = { Offer: result.offers.map(xmlOffer) };
  if (result.sends) {
    element.Sends = {
      Send: result.sends.map((s) => ({
        ClientUID: s.clientId,
        ClientName: s.clientName,
        RedirectURL: s.redirectURL,
        Valid: xmlBool(s.valid),
        Price: s.price.toFixed(2),
      })),
    };
  }
  if (result.client) {
    // The document's XML transfer example answers `<Sends><Send>` with the sends' elements; the agent
    // its JSON answers is added in the same naming pattern.
    element.Sends = {
      Send: result.client.map((t) => ({
        ClientUID: t.clientId,
        ClientName: t.clientName,
        RedirectURL: '',
        Valid: xmlBool(true),
        Price: result.price.toFixed(2),
        AgentName: t.agentName,
        AgentPhone: t.agentPhone,
      })),
    };
  }
  return element;
}

function xmlAnswer(root: string, item: string, requestId: string, results: unknown[]): string {
  return xmlBuilder.build({
    [root]: { ...XMLNS, RequestId: requestId, Results: { ...XMLNS_RESULTS, [`d2p1:${item}`]: results } },
  });
}

function respond(c: Context, format: Format, json: unknown, xml: () => string, status: 200 | 404 = 200) {
  if (format === 'json') return c.json(json, status);
  return c.body(xml(), status, { 'content-type': 'application/xml; charset=utf-8' });
}

// --- The simulator ------------------------------------------------------------------------------

function offersFor(orderId: string): Offer[] {
  const short = orderId.slice(0, 8);
  return [
    {
      offerId: `${short}-a001`,
      companyName: 'Sunrise Solar Co',
      companyPhoneNumber: '+18005550101',
      name: 'Free home solar assessment',
      description: 'A certified installer surveys your roof and quotes a system sized to your bills.',
      type: 'Monthly',
      price: 0,
      url: 'https://sunrise-solar.example/offer',
      tcpaInformation: {
        customTCPATextRequired: true,
        tcpaText:
          'By choosing Sunrise Solar Co, I agree that Sunrise Solar Co may call and text me about solar at the number I gave, including by automated means. Consent is not a condition of purchase.',
        privacyURL: 'https://sunrise-solar.example/privacy',
        termsURL: 'https://sunrise-solar.example/terms',
      },
    },
    {
      offerId: `${short}-b002`,
      companyName: 'Brightside Home Energy',
      companyPhoneNumber: '+18005550202',
      name: '25-year solar lease',
      description: 'No upfront cost: a fixed yearly payment lower than your current electricity bill.',
      type: 'Yearly',
      price: 0,
      url: 'https://brightside-energy.example/lease',
      tcpaInformation: {
        customTCPATextRequired: true,
        tcpaText:
          'By choosing Brightside Home Energy, I agree that Brightside Home Energy may contact me by phone, text and email about solar leases, including by autodialer. Consent is not a condition of purchase.',
        privacyURL: 'https://brightside-energy.example/privacy',
        termsURL: 'https://brightside-energy.example/terms',
      },
    },
  ];
}

function refusal(responseType: string, responseMessage: string): LeadResult {
  return { isValid: false, responseType, responseMessage, leadId: 0, campaignId: 0, isPendingReview: false, price: 0 };
}

function sourceRefusal(source: Source): LeadResult | undefined {
  if (!source.vid) return refusal('Vendor_ID_Missing', 'The source identifier (vid) is missing');
  if (!source.lid) return refusal('LeadType_ID_Missing', 'The lead type identifier (lid) is missing');
  return undefined;
}

/** The insert tables mark `source.sendDelay` required; LeadExec says Data_Errors for a bad value. */
function sendDelayRefusal(source: Source): LeadResult | undefined {
  if (source.sendDelay === 'missing') return refusal('Data_Errors', 'The send delay (sendDelay) is missing');
  if (source.sendDelay === 'invalid') {
    return refusal('Data_Errors', 'The send delay (sendDelay) must be a number of hours, 0 or more');
  }
  return undefined;
}

const digits = (phone: string) => phone.replace(/\D/g, '');

function fieldErrors(
  fields: Record<string, string>,
  required: readonly string[],
  tokens: Record<string, ConsentToken>,
): string | undefined {
  const missing = required.filter((name) => !fields[name]?.trim());
  if (missing.length) return `Missing required field(s): ${missing.join(', ')}`;
  for (const [name, token] of Object.entries(tokens)) {
    const value = fields[name];
    const shape = CONSENT_TOKEN_SHAPES[token];
    if (value !== undefined && !shape.valid(value)) return `${name} is not ${shape.name}`;
  }
  if (fields.Email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(fields.Email)) {
    return 'Email is not a valid email address';
  }
  if (fields.Phone !== undefined && digits(fields.Phone).length < 10) return 'Phone must have at least 10 digits';
  return undefined;
}

/** The simulator's routes, plus its `settings`, which tests may change while it runs. */
export function leadExecSimulator(apiKey: string, overrides: Partial<LeadExecSimulatorSettings> = {}) {
  const settings: LeadExecSimulatorSettings = {
    orderTtlMs: 5 * 60_000,
    sendsApproved: false,
    sendsApprovedSources: demoSendsSources(),
    requiredFields: [...DEFAULT_REQUIRED_FIELDS],
    requiredFieldsByLeadType: {},
    buyerPageUrl: 'https://sunrise-solar.example/thanks',
    consentTokenFields: { TrustedFormCertUrl: 'trustedform', LeadiD: 'leadid' },
    ...overrides,
  };
  const leads = new Map<number, StoredLead>();
  const orders = new Map<string, Order>();
  const requests = new Map<string, StatusEntry[]>();
  let nextLeadId = 100_000_001;

  function findDuplicate(fields: Record<string, string>): StoredLead | undefined {
    const email = fields.Email?.trim().toLowerCase();
    const phone = fields.Phone ? digits(fields.Phone) : '';
    for (const lead of leads.values()) {
      if ((email && lead.email === email) || (phone && lead.phone === phone)) return lead;
    }
    return undefined;
  }

  /** The order a post names, or why it cannot be used. */
  function orderRefusal(properties: Record<string, unknown>): { order?: Order; refusal?: LeadResult } {
    const orderId = properties.orderId;
    if (orderId === undefined || orderId === '') return {};
    const order = orders.get(String(orderId));
    if (!order) return { refusal: refusal('Data_Errors', 'Order ID not found') };
    if (order.used) return { refusal: refusal('Data_Errors', 'Order ID has already been used') };
    if (Date.now() > order.expiresAt) return { refusal: refusal('Data_Errors', 'Order ID has expired') };
    const offerIds = Array.isArray(properties.offerIds) ? properties.offerIds.map(String) : [];
    const unknown = offerIds.filter((id) => !order.offers.some((o) => o.offerId === id));
    if (unknown.length) return { refusal: refusal('Data_Errors', `Offer(s) not in this order: ${unknown.join(', ')}`) };
    return { order };
  }

  function callRefusal(properties: Record<string, unknown>): LeadResult | undefined {
    const missing = ['ivrNumber', 'callDuration', 'callResult'].filter(
      (name) => properties[name] === undefined || properties[name] === '',
    );
    return missing.length ? refusal('Data_Errors', `Missing call data: ${missing.join(', ')}`) : undefined;
  }

  function approvedForSends(source: Source): boolean {
    return (
      settings.sendsApproved || settings.sendsApprovedSources.some((s) => s.vid === source.vid && s.lid === source.lid)
    );
  }

  function insertOne(kind: InsertKind, source: Source, lead: IncomingLead): LeadResult {
    const required = settings.requiredFieldsByLeadType[source.lid] ?? settings.requiredFields;
    const refused =
      sourceRefusal(source) ??
      sendDelayRefusal(source) ??
      (kind === 'calldata' ? callRefusal(lead.properties) : undefined) ??
      (() => {
        const errors = fieldErrors(lead.fields, required, settings.consentTokenFields);
        return errors ? refusal('Data_Errors', errors) : undefined;
      })();
    if (refused) return refused;
    const { order, refusal: orderRefused } = orderRefusal(lead.properties);
    if (orderRefused) return orderRefused;
    const duplicate = findDuplicate(lead.fields);
    if (duplicate) return refusal('Duplicate_Lead', `Duplicate of lead ${duplicate.leadId}`);

    const offerIds = Array.isArray(lead.properties.offerIds) ? lead.properties.offerIds.map(String) : [];
    const chosen = order ? order.offers.filter((o) => offerIds.includes(o.offerId)) : [];
    if (order) order.used = true;
    const stored: StoredLead = {
      leadId: nextLeadId++,
      email: lead.fields.Email?.trim().toLowerCase() ?? '',
      phone: digits(lead.fields.Phone ?? ''),
      fields: { ...lead.fields },
      campaignId: order?.campaignId ?? (source.aid || 1234),
      receivedOn: new Date().toISOString(),
      offers: chosen,
      acceptedOffers: new Set(),
    };
    leads.set(stored.leadId, stored);
    const result: LeadResult = {
      isValid: true,
      responseType: 'No_Error',
      responseMessage: 'Lead was accepted',
      leadId: stored.leadId,
      campaignId: stored.campaignId,
      isPendingReview: false,
      price: order?.estimatedPayout ?? 12.5,
    };
    // The general insert (and so the post) answers the offers the document shows, none without a ping.
    if (kind === 'general') result.offers = chosen;
    if (kind === 'general' && approvedForSends(source) && lead.properties.noSell !== true) {
      result.sends = [
        {
          clientId: 501,
          clientName: 'Sunrise Solar Co',
          redirectURL: settings.buyerPageUrl,
          valid: true,
          price: 18,
        },
        { clientId: 502, clientName: 'Brightside Home Energy', redirectURL: '', valid: false, price: 0 },
      ];
    }
    if (kind === 'transfer') {
      result.client = [
        { clientId: 501, clientName: 'Sunrise Solar Co', agentName: 'Dana Whitfield', agentPhone: '+18005550177' },
      ];
    }
    return result;
  }

  function remember(requestId: string, results: LeadResult[]): void {
    const dateReceived = new Date().toISOString();
    requests.set(
      requestId,
      results.map((r) => ({
        leadId: r.leadId,
        isValid: r.isValid,
        rejectionReason: r.isValid ? '' : r.responseMessage,
        campaignId: r.campaignId,
        dateReceived,
      })),
    );
  }

  /** JSON carries the key in `api-key`, XML as a Bearer token; the other header does not count. */
  function authorised(c: Context, format: Format): boolean {
    if (format === 'xml') return opensAccount(`Bearer ${apiKey}`, c.req.header('authorization'));
    return opensAccount(apiKey, c.req.header('api-key'));
  }

  /** Reads the body in the format its content type names, once the key that format uses is right. */
  async function incoming(c: Context): Promise<{ format: Format; request: IncomingRequest } | Response> {
    const format = formatOf(c);
    if (!authorised(c, format)) return c.body(null, 401);
    const text = await c.req.text();
    const request = format === 'xml' ? readXml(text) : readJson(text);
    if (!request) return c.json({ message: 'The request is invalid.' }, 400);
    return { format, request };
  }

  const insertRoute = (kind: InsertKind) => async (c: Context) => {
    const read = await incoming(c);
    if (read instanceof Response) return read;
    const { format, request } = read;
    const requestId = crypto.randomUUID();
    const results = request.leads.map((lead) => insertOne(kind, request.source, lead));
    remember(requestId, results);
    const withSends = results.some((r) => r.sends);
    const [root, item] =
      kind === 'transfer'
        ? ['TransferReceiverResult', 'PostTransferResponse']
        : withSends
          ? ['SendsReceiverResult', 'SendResponse']
          : ['LeadReceiverResult', 'PostResponse'];
    return respond(c, format, { requestId, results }, () =>
      xmlAnswer(root, item, requestId, results.map(xmlLeadResult)),
    );
  };

  const app = new Hono()
    .post('/v2/insert/general', insertRoute('general'))
    .post('/v2/insert/transfer', insertRoute('transfer'))
    .post('/v2/insert/calldata', insertRoute('calldata'))
    .put('/v2/update', async (c) => {
      const read = await incoming(c);
      if (read instanceof Response) return read;
      const { format, request } = read;
      const requestId = crypto.randomUUID();
      const results = request.leads.map((lead): LeadResult => {
        const refused = sourceRefusal(request.source);
        if (refused) return refused;
        const stored = leads.get(positive(lead.properties.leadUID));
        if (!stored) return refusal('Data_Errors', `No lead with leadUID ${String(lead.properties.leadUID)}`);
        Object.assign(stored.fields, lead.fields);
        // The duplicate check then knows the lead by its new email and phone.
        stored.email = stored.fields.Email?.trim().toLowerCase() ?? '';
        stored.phone = digits(stored.fields.Phone ?? '');
        return {
          isValid: true,
          responseType: 'No_Error',
          responseMessage: 'Lead information updated',
          leadId: stored.leadId,
          campaignId: stored.campaignId,
          isPendingReview: false,
          price: 0,
        };
      });
      remember(requestId, results);
      return respond(c, format, { requestId, results }, () =>
        xmlAnswer('LeadReceiverResult', 'PostResponse', requestId, results.map(xmlLeadResult)),
      );
    })
    .post('/v2/insert/ping', async (c) => {
      const read = await incoming(c);
      if (read instanceof Response) return read;
      const { format, request } = read;
      const results = request.leads.map((lead) => {
        const refused = sourceRefusal(request.source);
        const zip = lead.fields.Zip ?? '';
        const no = (response: string) => ({
          willAccept: false,
          orderId: '',
          orderExpiresOn: '',
          estimatedPayout: 0,
          campaignId: 0,
          response,
          offers: [] as Offer[],
        });
        if (refused) return no(refused.responseType);
        if (!/^\d{5}$/.test(zip)) return no('Data_Errors: Zip must be five digits');
        if (zip === UNCOVERED_ZIP) return no('No coverage found');
        const orderId = crypto.randomUUID();
        const order: Order = {
          orderId,
          expiresAt: Date.now() + settings.orderTtlMs,
          campaignId: request.source.aid || 1234,
          estimatedPayout: 24,
          offers: offersFor(orderId),
          used: false,
        };
        orders.set(orderId, order);
        return {
          willAccept: true,
          orderId,
          orderExpiresOn: new Date(order.expiresAt).toISOString(),
          estimatedPayout: order.estimatedPayout,
          campaignId: order.campaignId,
          // The document's own example text, typo included.
          response: 'Coverage found, please supplied Order ID in POST',
          offers: order.offers,
        };
      });
      const requestId = crypto.randomUUID();
      return respond(c, format, { requestId, results }, () =>
        xmlAnswer(
          'PingReceiverResult',
          'PingResponse',
          requestId,
          results.map((r) => ({
            WillAccept: xmlBool(r.willAccept),
            OrderID: r.orderId,
            OrderExpiresOn: r.orderExpiresOn,
            CampaignID: r.campaignId,
            EstimatedPayout: r.estimatedPayout.toFixed(2),
            Response: r.response,
            Offers: { Offer: r.offers.map(xmlOffer) },
          })),
        ),
      );
    })
    .post('/v2/duplicate/check', async (c) => {
      const read = await incoming(c);
      if (read instanceof Response) return read;
      const { format, request } = read;
      const results = request.leads.map((lead) => {
        const refused = sourceRefusal(request.source);
        const missing = refused?.responseType ?? (request.source.aid ? undefined : 'System_ID_Missing');
        if (missing) {
          return { success: false, isDuplicate: false, duplicateLeadId: 0, receivedOn: null, response: missing };
        }
        const duplicate = findDuplicate(lead.fields);
        return duplicate
          ? {
              success: true,
              isDuplicate: true,
              duplicateLeadId: duplicate.leadId,
              receivedOn: duplicate.receivedOn,
              response: 'A similar lead exists',
            }
          : { success: true, isDuplicate: false, duplicateLeadId: 0, receivedOn: null, response: 'No similar lead' };
      });
      const requestId = crypto.randomUUID();
      return respond(c, format, { requestId, results }, () =>
        xmlAnswer(
          'DuplicateCheckResult',
          'DupResponse',
          requestId,
          results.map((r) => ({
            Success: xmlBool(r.success),
            IsDuplicate: xmlBool(r.isDuplicate),
            DuplicateLeadId: r.duplicateLeadId,
            ReceivedOn: r.receivedOn ?? '',
            Response: r.response,
          })),
        ),
      );
    })
    .get('/v2/status/:id', (c) => {
      const format = formatOf(c);
      if (!authorised(c, format)) return c.body(null, 401);
      const requestId = c.req.param('id');
      const entries = requests.get(requestId);
      if (!entries) return c.json({ message: `No request ${requestId}` }, 404);
      const results = entries.map((entry) => ({
        ...entry,
        qualityControlDetails: {
          isPendingReview: false,
          dateOfReview: null,
          isQualityControlRejected: false,
          rejectionReason: '',
        },
        returnDetails: { isReturned: false, dateOfReturn: null, returnReason: '' },
      }));
      return respond(c, format, { requestId, results }, () =>
        xmlAnswer(
          'StatusReceiverResult',
          'StatusResponse',
          requestId,
          results.map((r) => ({
            LeadIdentifier: r.leadId,
            IsValid: xmlBool(r.isValid),
            RejectionReason: r.rejectionReason,
            CampaignIdentifier: r.campaignId,
            DateReceived: r.dateReceived,
            QualityControlDetails: {
              IsPendingReview: 'false',
              DateOfReview: '',
              IsQualityControlRejected: 'false',
              RejectionReason: '',
            },
            ReturnDetails: { IsReturned: 'false', DateOfReturn: '', ReturnReason: '' },
          })),
        ),
      );
    })
    .put('/v2/leads/:leadUID/offers/:offerId/accept', (c) => {
      const format = formatOf(c);
      if (!authorised(c, format)) return c.body(null, 401);
      const lead = leads.get(positive(c.req.param('leadUID')));
      const offerId = c.req.param('offerId');
      const answer = (success: boolean, message: string, status: 200 | 404) =>
        respond(
          c,
          format,
          { success, message },
          () =>
            xmlBuilder.build({
              AcceptOfferResult: { ...XMLNS, Success: xmlBool(success), Message: message },
            }),
          status,
        );
      if (!lead?.offers.some((o) => o.offerId === offerId)) {
        return answer(false, 'Offer not found for this lead', 404);
      }
      if (lead.acceptedOffers.has(offerId)) return answer(true, 'Offer already accepted', 200);
      lead.acceptedOffers.add(offerId);
      return answer(true, 'Offer accepted', 200);
    });
  return Object.assign(app, { settings });
}
