/**
 * @module The LeadExec simulator: every endpoint, with the behaviour the document describes.
 */
import { type Context, Hono } from 'hono';
import { opensAccount } from '../keys.ts';
import { respond, xmlAnswer, xmlBool, xmlLeadResult, xmlOffer } from './answers.ts';
import {
  CONSENT_TOKEN_SHAPES,
  type ConsentToken,
  DEFAULT_REQUIRED_FIELDS,
  demoSendsSources,
  type Format,
  type IncomingLead,
  type IncomingRequest,
  type InsertKind,
  type LeadExecSimulatorSettings,
  type LeadResult,
  type Offer,
  type Order,
  type Source,
  type StatusEntry,
  type StoredLead,
} from './model.ts';
import { formatOf, positive, readJson, readXml, UNCOVERED_ZIP, XMLNS, xmlBuilder } from './requests.ts';

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
