/**
 * @module The dialler's lead API (`dialler-lead-api.txt`): `POST {base}/lead/add?key=` and
 * `POST {base}/lead/cancel?key=`, JSON bodies, the key in the query string as the document shows.
 * Choices where the document is loose:
 * - Phones reach adapters in E.164; a `+44` number is sent in UK national form (`07840258823`), as
 *   the document's own example sends it. Numbers from other countries stay in E.164.
 * - `data` is a JSON *string* of the configured form fields, keyed by field name, and is left out
 *   when none has a value: the dialler refuses an empty `data`.
 * - `{"saved": true, "processed": false, "error": …}` is a "no" (rejected with that error text);
 *   field errors (`{"email": {"0": "Email cannot be blank."}}`) are rejected as `email: Email cannot
 *   be blank.`; an unreadable 2xx is retried, since we cannot tell whether the lead was taken.
 * - The dialler returns no id: it knows a lead by type and mobile, so the reference is our lead id.
 * - The document shows one cancel warning unquoted (`"warning": server error (call group)`); it is
 *   read as the string it plainly means.
 * - The document shows no answer for a wrong key; 401 and 403 are read as a refused key.
 * Test mode (`"test": "true"`) and cancel are extra operations, exported below.
 */
import * as z from 'zod';
import { callProvider, excerpt, type ProviderReply, parseJson, retryableReply } from './http.ts';
import { type CanonicalLead, type DeliveryResult, defineAdapter, fieldText, type ProviderContext } from './types.ts';

const DIALLER_FIELDS = ['email', 'first_name', 'surname', 'mobile', 'other_phone'] as const;
type DiallerField = (typeof DIALLER_FIELDS)[number];

/** Which form field fills each dialler field unless the destination maps it otherwise. */
const DEFAULT_FIELD_MAP: Record<DiallerField, string> = {
  email: 'email',
  first_name: 'firstName',
  surname: 'lastName',
  mobile: 'phone',
  other_phone: 'otherPhone',
};

export const diallerOptionsSchema = z.strictObject({
  /** The lead `type` the dialler gave you (e.g. "motor-trade"). Required. See "lead type". */
  type: z.string().min(1),
  /** The lead `subtype` (e.g. "valeter"). Default: none. */
  subtype: z.string().min(1).optional(),
  /** `delays`: seconds to postpone the call. Default: none (the dialler calls as soon as it can). */
  delays: z.int().nonnegative().optional(),
  /** Form fields packed into `data` as a JSON string, keyed by field name. Default: none. */
  dataFields: z.array(z.string()).default([]),
  /** Form field name per dialler field, over the defaults (email, firstName, lastName, phone, otherPhone). */
  fieldMap: z.partialRecord(z.enum(DIALLER_FIELDS), z.string()).default({}),
});
export type DiallerOptions = z.infer<typeof diallerOptionsSchema>;

type Refusal = Extract<DeliveryResult, { outcome: 'rejected' | 'retryable' }>;

/** What test mode says: the data would make a valid lead, or why not. */
export type DiallerTestResult = { outcome: 'valid'; httpStatus: number; response: string } | Refusal;

/** What lead/cancel says: cancelled, or not with the dialler's warning (verbatim) or our reason. */
export type DiallerCancelResult =
  | { cancelled: true; httpStatus: number; response: string }
  | { cancelled: false; warning: string; httpStatus: number | null; response: string };

const UNAUTHORISED = 'Unauthorised: the key was refused';

/** `+447840258823` → `07840258823`, the form the document's example sends. */
function toUkNational(phone: string): string {
  return phone.startsWith('+44') ? `0${phone.slice(3)}` : phone;
}

function fieldMapOf(options: DiallerOptions): Record<DiallerField, string> {
  return { ...DEFAULT_FIELD_MAP, ...options.fieldMap };
}

function mobileOf(lead: CanonicalLead, options: DiallerOptions): string | undefined {
  const mobile = fieldText(lead, fieldMapOf(options).mobile);
  return mobile === undefined ? undefined : toUkNational(mobile);
}

/** The lead/add body, as the document's example shows it. */
function buildLeadBody(lead: CanonicalLead, options: DiallerOptions) {
  const map = fieldMapOf(options);
  const body: Record<string, string | number> = {};
  for (const field of ['email', 'first_name', 'surname'] as const) {
    const value = fieldText(lead, map[field]);
    if (value !== undefined) body[field] = value;
  }
  const mobile = mobileOf(lead, options);
  if (mobile !== undefined) body.mobile = mobile;
  const otherPhone = fieldText(lead, map.other_phone);
  if (otherPhone !== undefined) body.other_phone = toUkNational(otherPhone);
  body.type = options.type;
  if (options.subtype) body.subtype = options.subtype;
  if (options.delays !== undefined) body.delays = options.delays;
  const data = Object.fromEntries(
    options.dataFields.flatMap((name) => {
      const value = lead.fields[name];
      return value === undefined || value === '' ? [] : [[name, value]];
    }),
  );
  if (Object.keys(data).length > 0) body.data = JSON.stringify(data);
  return body;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"email": {"0": "Email cannot be blank."}}` → `email: Email cannot be blank.`, every field named. */
function fieldErrorsOf(json: Record<string, unknown>): string | undefined {
  const parts = Object.entries(json).flatMap(([field, errors]) => {
    const messages = isRecord(errors) || Array.isArray(errors) ? Object.values(errors) : [];
    const texts = messages.filter((m): m is string => typeof m === 'string');
    return texts.length > 0 ? [`${field}: ${texts.join(' ')}`] : [];
  });
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Reads a lead/add answer: undefined when `accepted` says it is the hoped-for one, else why not. */
function refusalOf(reply: ProviderReply, accepted: (json: Record<string, unknown>) => boolean): Refusal | undefined {
  const retry = retryableReply(reply);
  if (retry?.outcome === 'retryable') return retry;
  const response = excerpt(reply.text);
  const rejected = (reason: string): Refusal => ({ outcome: 'rejected', reason, httpStatus: reply.status, response });
  if (reply.status === 401 || reply.status === 403) return rejected(UNAUTHORISED);
  const ok = reply.status >= 200 && reply.status < 300;
  const json = parseJson(reply.text);
  if (isRecord(json)) {
    if (ok && accepted(json)) return undefined;
    if (json.processed === false) return rejected(typeof json.error === 'string' ? json.error : 'Not processed');
    const fieldErrors = fieldErrorsOf(json);
    if (fieldErrors) return rejected(fieldErrors);
  }
  if (ok) return { outcome: 'retryable', reason: 'Unrecognised answer', httpStatus: reply.status, response };
  return rejected(excerpt(reply.text.trim()) || `HTTP ${reply.status}`);
}

function endpoint(baseUrl: string, path: 'lead/add' | 'lead/cancel', apiKey: string): string {
  return `${baseUrl}/${path}?${new URLSearchParams({ key: apiKey })}`;
}

function postJson(url: string, body: unknown, { signal, transport }: ProviderContext<unknown>): Promise<ProviderReply> {
  return callProvider(
    url,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    signal,
    transport,
  );
}

/**
 * Test mode: the dialler checks the lead's data and saves nothing (`{"test": "ok"}`). A dry run
 * of a destination, e.g. before a form goes live.
 */
export async function testDiallerLead(
  lead: CanonicalLead,
  context: ProviderContext<DiallerOptions>,
): Promise<DiallerTestResult> {
  const { options, baseUrl, apiKey } = context;
  const body = { ...buildLeadBody(lead, options), test: 'true' };
  const reply = await postJson(endpoint(baseUrl, 'lead/add', apiKey), body, context);
  const refusal = refusalOf(reply, (json) => json.test === 'ok');
  return refusal ?? { outcome: 'valid', httpStatus: reply.status, response: excerpt(reply.text) };
}

/** Lets `"warning": server error (call group)`, unquoted as the document shows it, parse as a string. */
function parseCancelAnswer(text: string): unknown {
  return parseJson(text) ?? parseJson(text.replace(/("warning"\s*:\s*)([^"\s][^,}\n]*?)(\s*[,}\n])/, '$1"$2"$3'));
}

/** Cancels the lead at the dialler (`lead/cancel` with its type and mobile). */
export async function cancelDiallerLead(
  lead: CanonicalLead,
  context: ProviderContext<DiallerOptions>,
): Promise<DiallerCancelResult> {
  const { options, baseUrl, apiKey } = context;
  const body = { type: options.type, mobile: mobileOf(lead, options) };
  const reply = await postJson(endpoint(baseUrl, 'lead/cancel', apiKey), body, context);
  const response = excerpt(reply.text);
  const notCancelled = (warning: string): DiallerCancelResult => ({
    cancelled: false,
    warning,
    httpStatus: reply.status,
    response,
  });
  if (reply.status === 401 || reply.status === 403) return notCancelled(UNAUTHORISED);
  const json = parseCancelAnswer(reply.text);
  if (isRecord(json)) {
    if (json.cancelled === true && reply.status < 300) return { cancelled: true, httpStatus: reply.status, response };
    if (json.cancelled === false)
      return notCancelled(typeof json.warning === 'string' ? json.warning : 'not cancelled');
    const fieldErrors = fieldErrorsOf(json);
    if (fieldErrors) return notCancelled(fieldErrors);
  }
  return notCancelled(reply.status >= 300 ? `HTTP ${reply.status}` : 'Unrecognised answer');
}

export const dialler = defineAdapter({
  name: 'dialler',
  optionsSchema: diallerOptionsSchema,
  defaultSecret: 'DIALLER_API_KEY',
  baseUrlVar: 'DIALLER_BASE_URL',
  requiredFields: (options) => {
    const map = fieldMapOf(options);
    return [map.email, map.first_name, map.surname, map.mobile];
  },
  async deliver(lead, context) {
    const { options, baseUrl, apiKey } = context;
    const reply = await postJson(endpoint(baseUrl, 'lead/add', apiKey), buildLeadBody(lead, options), context);
    const refusal = refusalOf(reply, (json) => json.saved === true && json.processed === true);
    return (
      refusal ?? { outcome: 'delivered', reference: lead.id, httpStatus: reply.status, response: excerpt(reply.text) }
    );
  },
  async cancel(lead, context) {
    const result = await cancelDiallerLead(lead, context);
    // The dialler's answer body stays out: the warning is what it means.
    return result.cancelled
      ? { cancelled: true, httpStatus: result.httpStatus }
      : { cancelled: false, warning: result.warning, httpStatus: result.httpStatus };
  },
  // The dialler has a test mode of its own: it checks the lead as it would a real one and saves nothing.
  async dryRun(lead, context) {
    const tested = await testDiallerLead(lead, context);
    return tested.outcome === 'valid'
      ? { ok: true, message: `the dialler's test mode accepted the lead (HTTP ${tested.httpStatus})` }
      : { ok: false, message: tested.reason };
  },
});
