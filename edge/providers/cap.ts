/**
 * @module CAP Gateway lead submission (`cap-gateway-lead-submission.txt`):
 * `POST {base}/lead-submission/v1/external` with the key in the `X-API-Key` header.
 * Choices where the document is loose:
 * - The payload table lost its property names, so the body follows the example payload exactly.
 * - `enquiryDateTime` is the lead's creation time in UTC to the second (`2026-11-23T10:20:59Z`), as
 *   the table asks; the example's fractional, zone-less form is not copied.
 * - `externalReferenceId` is our lead id; `acquisitionChannel` is the lead's `utm_source`, else the
 *   destination's default.
 * - Each opt-in is the consumer's own choice on the consent configured for that channel (true, or
 *   false when left unticked); a channel with no consent configured is `null` (not asked).
 * - Phones reach adapters in E.164, which for UK numbers is the `+44` form CAP accepts; CAP takes
 *   no other ("+44 or 0 prefix accepted"), so a form whose phone field takes another country is
 *   refused at start-up (`phoneCountries`). A missing phone or postcode is sent as `null`, like the
 *   example's `ipAddress`.
 * - 202 with `result.enquiryReferenceCode` is delivered (that code is the reference); `success:
 *   false` on any status, 400 and 401 are rejected with CAP's `messages`; an unreadable 2xx is
 *   retried, since we cannot tell whether the enquiry was taken.
 */
import * as z from 'zod';
import { callProvider, excerpt, parseJson, retryableReply } from './http.ts';
import { type CanonicalLead, defineAdapter, fieldText } from './types.ts';

const ENQUIRY_TYPES = [
  'Test Drive',
  'Quotation',
  'Retailer Contact',
  'KMI',
  'Interest Only',
  'Register Of Interest',
] as const;

const CHANNELS = ['PhoneCall', 'Post', 'Email', 'Sms'] as const;

const CONTACT_FIELDS = ['firstName', 'lastName', 'emailAddress', 'phoneNumber', 'postcode'] as const;
type ContactField = (typeof CONTACT_FIELDS)[number];

/** Which form field fills each contact detail unless the destination maps it otherwise. */
const DEFAULT_FIELD_MAP: Record<ContactField, string> = {
  firstName: 'firstName',
  lastName: 'lastName',
  emailAddress: 'email',
  phoneNumber: 'phone',
  postcode: 'postcode',
};

export const capOptionsSchema = z.strictObject({
  /** `metadata.campaignId`: the campaign's GUID, given by CAP. Required. */
  campaignId: z.guid(),
  /** `metadata.enquiryType`, one of the document's accepted values. Required. */
  enquiryType: z.enum(ENQUIRY_TYPES),
  /** `enquirySource.acquisitionChannel` when the lead has no `utm_source`. Default "Website". */
  acquisitionChannel: z.string().min(1).default('Website'),
  /** The form consent that answers each opt-in channel (e.g. `{ "Sms": "smsOptIn" }`). Default: none (all null). */
  consents: z.partialRecord(z.enum(CHANNELS), z.string()).default({}),
  /** The form field whose value is `vehicle.name`. Default "vehicle". */
  vehicleField: z.string().default('vehicle'),
  /** Form field name per contact detail, over the defaults (firstName, lastName, email, phone, postcode). */
  fieldMap: z.partialRecord(z.enum(CONTACT_FIELDS), z.string()).default({}),
});
export type CapOptions = z.infer<typeof capOptionsSchema>;

/** The answer's envelope, as both of the document's response examples show it. */
const capAnswerSchema = z.object({
  success: z.boolean(),
  messages: z.array(z.string()).default([]),
  result: z
    .object({ requestReferenceId: z.string().nullable(), enquiryReferenceCode: z.string().nullable() })
    .nullish(),
});

/** ISO 8601, UTC, to the second: `2026-11-23T10:20:59Z`. */
function toSecondUtc(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The request body, shaped exactly as the document's example payload. */
function buildCapBody(lead: CanonicalLead, options: CapOptions) {
  const map = { ...DEFAULT_FIELD_MAP, ...options.fieldMap };
  const optIn = (channel: (typeof CHANNELS)[number]) => {
    const consent = options.consents[channel];
    return consent === undefined ? null : lead.consent[consent] === true;
  };
  return {
    metadata: {
      campaignId: options.campaignId,
      enquiryDateTime: toSecondUtc(lead.createdAt),
      externalReferenceId: lead.id,
      enquiryType: options.enquiryType,
      ipAddress: lead.ip,
      enquirySource: { acquisitionChannel: lead.context.utm_source || options.acquisitionChannel },
    },
    contactDetail: {
      firstName: fieldText(lead, map.firstName) ?? null,
      lastName: fieldText(lead, map.lastName) ?? null,
      emailAddress: fieldText(lead, map.emailAddress) ?? null,
      phoneNumber: fieldText(lead, map.phoneNumber) ?? null,
      address: { postcode: fieldText(lead, map.postcode) ?? null },
    },
    optInConsents: { PhoneCall: optIn('PhoneCall'), Post: optIn('Post'), Email: optIn('Email'), Sms: optIn('Sms') },
    vehicle: { name: fieldText(lead, options.vehicleField) ?? null },
  };
}

function refusedWithoutMessage(status: number): string {
  return status === 401 ? 'Unauthorised: the X-API-Key was refused' : `Refused (HTTP ${status})`;
}

export const cap = defineAdapter({
  name: 'cap',
  optionsSchema: capOptionsSchema,
  defaultSecret: 'CAP_API_KEY',
  baseUrlVar: 'CAP_BASE_URL',
  // "+44 or 0 prefix accepted": UK numbers only (and the islands' that share +44).
  phoneCountries: ['GB'],
  requiredFields: (options) => {
    const map = { ...DEFAULT_FIELD_MAP, ...options.fieldMap };
    return [map.firstName, map.lastName, map.emailAddress, options.vehicleField];
  },
  async deliver(lead, { options, baseUrl, apiKey, signal, transport }) {
    const reply = await callProvider(
      `${baseUrl}/lead-submission/v1/external`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify(buildCapBody(lead, options)),
      },
      signal,
      transport,
    );
    const retry = retryableReply(reply);
    if (retry) return retry;
    const response = excerpt(reply.text);
    const answer = capAnswerSchema.safeParse(parseJson(reply.text));
    const ok = reply.status >= 200 && reply.status < 300;
    if (answer.success) {
      const { success, messages, result } = answer.data;
      if (ok && success && (result?.enquiryReferenceCode || result?.requestReferenceId)) {
        const reference = result.enquiryReferenceCode ?? result.requestReferenceId;
        return { outcome: 'delivered', reference, httpStatus: reply.status, response };
      }
      if (!success || !ok) {
        const reason = messages.join('; ') || refusedWithoutMessage(reply.status);
        return { outcome: 'rejected', reason, httpStatus: reply.status, response };
      }
    }
    if (ok) return { outcome: 'retryable', reason: 'Unrecognised answer', httpStatus: reply.status, response };
    return { outcome: 'rejected', reason: refusedWithoutMessage(reply.status), httpStatus: reply.status, response };
  },
});
