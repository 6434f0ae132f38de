/**
 * @module CAP Gateway lead submission simulator, from `cap-gateway-lead-submission.txt`:
 * `POST /lead-submission/v1/external` with `X-API-Key`. Every answer has the document's envelope
 * (`success`, `messages`, `result.{requestReferenceId, enquiryReferenceCode}`): 202 with an
 * `ENQ-yymmdd-XXXXXXXX` code, 400 naming each property that fails, 401 for a wrong or missing key.
 * The table lost its "Required" column, so what is required follows the table's descriptions:
 * the campaign, date, reference, type, channel and the person's name and email; phone and postcode
 * are "required for certain campaigns", so only their format is checked.
 */
import { Hono } from 'hono';
import { opensAccount } from './keys.ts';

const ENQUIRY_TYPES = ['Test Drive', 'Quotation', 'Retailer Contact', 'KMI', 'Interest Only', 'Register Of Interest'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// "ISO 8601 format, UTC, to the second"; the document's own example adds a fraction and no zone.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

type Json = Record<string, unknown>;

function objectAt(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Messages in the wording of the validator a .NET API like this one uses. */
function validate(body: Json): string[] {
  const messages: string[] = [];
  const metadata = objectAt(body.metadata);
  const contact = objectAt(body.contactDetail);
  const consents = objectAt(body.optInConsents);
  const required = (value: unknown, label: string) => {
    if (isBlank(value)) messages.push(`'${label}' must not be empty.`);
    else if (typeof value !== 'string') messages.push(`'${label}' must be a string.`);
    return typeof value === 'string' && !isBlank(value);
  };
  if (required(metadata.campaignId, 'Campaign Id') && !GUID.test(String(metadata.campaignId))) {
    messages.push("'Campaign Id' is not a valid GUID.");
  }
  if (
    required(metadata.enquiryDateTime, 'Enquiry Date Time') &&
    !ISO_DATE_TIME.test(String(metadata.enquiryDateTime))
  ) {
    messages.push("'Enquiry Date Time' must be an ISO 8601 date and time in UTC.");
  }
  required(metadata.externalReferenceId, 'External Reference Id');
  if (required(metadata.enquiryType, 'Enquiry Type') && !ENQUIRY_TYPES.includes(String(metadata.enquiryType))) {
    messages.push(`'Enquiry Type' must be one of: ${ENQUIRY_TYPES.join(', ')}.`);
  }
  if (metadata.ipAddress !== undefined && metadata.ipAddress !== null && typeof metadata.ipAddress !== 'string') {
    messages.push("'Ip Address' must be a string or null.");
  }
  required(objectAt(metadata.enquirySource).acquisitionChannel, 'Acquisition Channel');
  required(contact.firstName, 'First Name');
  required(contact.lastName, 'Last Name');
  if (required(contact.emailAddress, 'Email Address') && !EMAIL.test(String(contact.emailAddress))) {
    messages.push("'Email Address' is not a valid email address.");
  }
  const phone = contact.phoneNumber;
  if (!isBlank(phone) && (typeof phone !== 'string' || !/^(\+44|0)[\d ]{9,13}$/.test(phone))) {
    messages.push("'Phone Number' must start with +44 or 0.");
  }
  const postcode = objectAt(contact.address).postcode;
  if (!isBlank(postcode) && typeof postcode !== 'string') messages.push("'Postcode' must be a string.");
  for (const channel of ['PhoneCall', 'Post', 'Email', 'Sms']) {
    const value = consents[channel];
    if (value !== undefined && value !== null && typeof value !== 'boolean') {
      messages.push(`'${channel}' must be true, false or null.`);
    }
  }
  const vehicle = objectAt(body.vehicle).name;
  if (!isBlank(vehicle) && typeof vehicle !== 'string') messages.push("'Vehicle Name' must be a string.");
  return messages;
}

/** `ENQ-240912-AZGCM0F8`: the enquiry's date (yymmdd) and eight random letters or digits. */
function enquiryReferenceCode(enquiryDateTime: string): string {
  const date = enquiryDateTime.slice(2, 10).replaceAll('-', '');
  const random = crypto.getRandomValues(new Uint8Array(8));
  return `ENQ-${date}-${Array.from(random, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('')}`;
}

export function capSimulator(apiKey: string) {
  return new Hono().post('/lead-submission/v1/external', async (c) => {
    const failed = (messages: string[], status: 400 | 401) =>
      c.json(
        { success: false, messages, result: { requestReferenceId: crypto.randomUUID(), enquiryReferenceCode: null } },
        status,
      );
    if (!opensAccount(apiKey, c.req.header('x-api-key'))) return failed(['Unauthorized, invalid token.'], 401);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return failed(['The request body must be a JSON object.'], 400);
    }
    const messages = validate(objectAt(body));
    if (messages.length > 0) return failed(messages, 400);
    const enquiryDateTime = String(objectAt(objectAt(body).metadata).enquiryDateTime);
    return c.json(
      {
        success: true,
        messages: [],
        result: {
          requestReferenceId: crypto.randomUUID(),
          enquiryReferenceCode: enquiryReferenceCode(enquiryDateTime),
        },
      },
      202,
    );
  });
}
