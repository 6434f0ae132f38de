/**
 * @module TakePayments Partner Leads API: `POST {base}/umbraco/api/PartnerLeadsApi/Insert`.
 * The key travels in the JSON body as `ApiKey`, our lead id as `ID`. 200 is success (the document
 * gives no body, so the reference is our own id), 400 carries a note (rejected, kept verbatim),
 * 401 means the key is wrong (rejected: trying again will not fix it).
 * `ExistigCustomerReferenceNumber` is spelled as the document spells it, on purpose.
 */
import * as z from 'zod';
import { callProvider, cutToCharacters, excerpt, parseJson, retryableReply } from './http.ts';
import { type CanonicalLead, defineAdapter, fieldText } from './types.ts';

const SHORT = 200;
const LONG = 2000;

/** The document's fields with their max lengths; `source` names the form field that feeds it. */
const FIELD_LIMITS = {
  FirstName: SHORT,
  LastName: SHORT,
  Email: SHORT,
  Notes: LONG,
  Postcode: SHORT,
  Company: SHORT,
  Address: LONG,
  Referrer: SHORT,
  ReferrerEmail: SHORT,
  Devices: LONG,
  Locations: LONG,
  Industry: SHORT,
  CustomerType: SHORT,
  ExternalLeadType: SHORT,
  ExistigCustomerReferenceNumber: SHORT,
} as const;
type TakePaymentsField = keyof typeof FIELD_LIMITS;

/** Which form field fills each TakePayments field unless the destination maps it otherwise. */
const DEFAULT_FIELD_MAP: Partial<Record<TakePaymentsField, string>> = {
  FirstName: 'firstName',
  LastName: 'lastName',
  Email: 'email',
  Notes: 'message',
  Postcode: 'postcode',
  Company: 'company',
  Address: 'address',
  Devices: 'devices',
  Locations: 'locations',
  Industry: 'industry',
  CustomerType: 'customerType',
  ExistigCustomerReferenceNumber: 'customerReference',
};

export const takePaymentsOptionsSchema = z.strictObject({
  /** Sent as `ExternalLeadType` on every lead (e.g. "Warm Lead"). Default: none. */
  externalLeadType: z.string().max(SHORT).optional(),
  /** Sent as `HotTransfer`. Default false, as the document says. */
  hotTransfer: z.boolean().default(false),
  /** Sent as `Referrer` / `ReferrerEmail`: the person referring the lead. Default: none. */
  referrer: z.string().max(SHORT).optional(),
  referrerEmail: z.string().max(SHORT).optional(),
  /** Form field name per TakePayments field, over the defaults (firstName, lastName, email, …). */
  fieldMap: z
    .partialRecord(z.enum(Object.keys(FIELD_LIMITS) as [TakePaymentsField, ...TakePaymentsField[]]), z.string())
    .default({}),
});
export type TakePaymentsOptions = z.infer<typeof takePaymentsOptionsSchema>;

/** The request body, exactly as the document shows it; no field over its max length. */
export function buildTakePaymentsBody(lead: CanonicalLead, options: TakePaymentsOptions, apiKey: string) {
  const map = { ...DEFAULT_FIELD_MAP, ...options.fieldMap };
  const body: Record<string, string | boolean> = { ID: lead.id, ApiKey: apiKey };
  for (const field of Object.keys(FIELD_LIMITS) as TakePaymentsField[]) {
    const value = fieldText(lead, map[field]);
    if (value !== undefined) body[field] = cutToCharacters(value, FIELD_LIMITS[field]);
  }
  if (options.externalLeadType) body.ExternalLeadType = options.externalLeadType;
  if (options.referrer) body.Referrer = options.referrer;
  if (options.referrerEmail) body.ReferrerEmail = options.referrerEmail;
  body.HotTransfer = options.hotTransfer;
  return body;
}

function noteOf(text: string): string {
  const json = parseJson(text);
  if (typeof json === 'string') return json;
  if (json && typeof json === 'object') {
    for (const key of ['note', 'Note', 'message', 'Message', 'error', 'title']) {
      const value = (json as Record<string, unknown>)[key];
      if (typeof value === 'string') return value;
    }
  }
  return text.trim() || 'Bad Request';
}

export const takepayments = defineAdapter({
  name: 'takepayments',
  optionsSchema: takePaymentsOptionsSchema,
  defaultSecret: 'TAKEPAYMENTS_API_KEY',
  baseUrlVar: 'TAKEPAYMENTS_BASE_URL',
  requiredFields: (options) => {
    const map = { ...DEFAULT_FIELD_MAP, ...options.fieldMap };
    return [map.FirstName, map.LastName, map.Email].filter((n): n is string => Boolean(n));
  },
  async deliver(lead, { options, baseUrl, apiKey, signal, transport }) {
    const reply = await callProvider(
      `${baseUrl}/umbraco/api/PartnerLeadsApi/Insert`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(buildTakePaymentsBody(lead, options, apiKey)),
      },
      signal,
      transport,
    );
    const retry = retryableReply(reply);
    if (retry) return retry;
    const response = excerpt(reply.text);
    if (reply.status >= 200 && reply.status < 300) {
      return { outcome: 'delivered', reference: lead.id, httpStatus: reply.status, response };
    }
    const reason = reply.status === 401 ? 'Unauthorised: the ApiKey was refused' : noteOf(reply.text);
    return { outcome: 'rejected', reason, httpStatus: reply.status, response };
  },
});
