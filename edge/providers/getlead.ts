/**
 * @module Getlead CRM (`getlead-crm-api.txt`): create lead `POST {base}/api/gl-website-contacts`,
 * and as extra operations task, note, status change, deal and department assignment.
 * Choices where the document is loose:
 * - The document shows every parameter as a query string on a POST, so that is how they are sent
 *   (built with URLSearchParams), with no body. The token is the `token` parameter, except for the
 *   department endpoint, which carries it in the path as the document shows.
 * - Phones reach adapters in E.164; `countrycode` is its calling code and `mobileno` (`mobile_no`,
 *   `mobile`, `SourceNumber`) the national number without its trunk 0 (`+447840258823` → 44 and
 *   7840258823), so the lead and its follow-ups name the same person.
 * - Getlead says no with HTTP 200 and `{"status": "fail" | "error", "message": …}`: rejected with
 *   that message verbatim. An unreadable 2xx is retried, since we cannot tell what happened.
 * - The deal's "deal name" parameter is sent as `deal_name`, like its snake_case siblings; the deal
 *   endpoint is `gl-deal-creation-api` (the document's example points at the task endpoint).
 * - Follow-ups (`followUps`) are steps of their own, stored with the lead and run once Getlead has
 *   created it (in no set order): each is retried, dead-lettered and replayed on its own, so a
 *   failed note never creates the lead twice and is never lost. A note whose form field the
 *   consumer left empty is not made at all.
 * Getlead returns no id, so the reference of a delivered lead is our lead id.
 */
import * as z from 'zod';
import { callProvider, excerpt, parseJson, retryableReply } from './http.ts';
import {
  type CanonicalLead,
  type DeliveryResult,
  defineAdapter,
  defineStep,
  type FollowUp,
  fieldText,
  type ProviderContext,
} from './types.ts';

const MAPPED_FIELDS = ['email', 'mobileno', 'feedback', 'company_name', 'date_of_birth', 'purpose'] as const;
type MappedField = (typeof MAPPED_FIELDS)[number];

/** Which form field fills each Getlead parameter unless the destination maps it otherwise. */
const DEFAULT_FIELD_MAP = {
  email: 'email',
  mobileno: 'phone',
  company_name: 'company',
} satisfies Partial<Record<MappedField, string>>;

const getleadTaskSchema = z.strictObject({
  /** The task's `name`. */
  name: z.string().min(1),
  /** `task_category_id`: 1 normal task, 2 call task. Default "normal". */
  category: z.enum(['normal', 'call']).default('normal'),
  description: z.string().optional(),
  /** `comment`. Default: none. */
  comment: z.string().optional(),
  /** `scheduled_date`: when the task is due, as the document writes dates (YYYY-MM-DD). Default: none. */
  scheduledDate: z.iso.date().optional(),
  /** `assigned_to`: the agent's name. Default: none. */
  assignedTo: z.string().optional(),
});
export type GetleadTask = z.infer<typeof getleadTaskSchema>;

const getleadDealSchema = z.strictObject({
  /** The deal's `status`. */
  status: z.string().min(1),
  /** Sent as `deal_name`. Default: none. */
  name: z.string().optional(),
  /** `deal_amount`, a whole number. Default: none. */
  amount: z.int().nonnegative().optional(),
  /** `staff_name`: the deal's agent. Default: none. */
  staffName: z.string().optional(),
  /** `start_date` / `end_date`: the deal's estimated start and end (YYYY-MM-DD). Default: none. */
  startDate: z.iso.date().optional(),
  endDate: z.iso.date().optional(),
  /** `deal_note`. Default: none. */
  note: z.string().optional(),
});
export type GetleadDeal = z.infer<typeof getleadDealSchema>;

/** The create-lead parameters the document names; an additional field may not reuse one. */
const LEAD_PARAMETERS = [
  'token',
  'name',
  'email',
  'countrycode',
  'mobileno',
  'feedback',
  'source',
  'company_name',
  'staff_name',
  'date_of_birth',
  'purpose',
  'status',
  'department',
];

const followUpSchema = z.discriminatedUnion('kind', [
  /** A note on the lead with the text of a form field (skipped when the consumer left it empty). */
  z.strictObject({ kind: z.literal('note'), field: z.string() }),
  getleadTaskSchema.extend({ kind: z.literal('task') }),
  z.strictObject({ kind: z.literal('status'), status: z.string().min(1) }),
  getleadDealSchema.extend({ kind: z.literal('deal') }),
  z.strictObject({ kind: z.literal('department'), department: z.string().min(1) }),
]);

export const getleadOptionsSchema = z.strictObject({
  /** `source`: where the lead came from, as Getlead lists it (e.g. "Website"). Required. */
  source: z.string().min(1),
  /** `staff_name`, `status`, `department` sent with every lead. Default: none. */
  staffName: z.string().optional(),
  status: z.string().optional(),
  department: z.string().optional(),
  /** Form fields joined with a space into `name`. Default firstName, lastName. */
  nameFields: z.array(z.string()).default(['firstName', 'lastName']),
  /** Form field name per Getlead parameter, over the defaults (email, phone, company). */
  fieldMap: z.partialRecord(z.enum(MAPPED_FIELDS), z.string()).default({}),
  /** Getlead's additional fields: Getlead field name → form field name. Default: none. */
  customFields: z
    .record(
      z.string().refine((name) => !LEAD_PARAMETERS.includes(name), 'a documented parameter, not an additional field'),
      z.string(),
    )
    .default({}),
  /** Run in order after the lead is created; see the module comment for failures. Default: none. */
  followUps: z.array(followUpSchema).default([]),
});
export type GetleadOptions = z.infer<typeof getleadOptionsSchema>;

type GetleadContext = ProviderContext<GetleadOptions>;

/** Every Getlead endpoint answers this, with HTTP 200 even when it says no. */
const getleadAnswerSchema = z.object({ status: z.string(), message: z.string().optional() });

/** What one Getlead call came to: its success message, or a refusal read like a delivery's. */
export type GetleadResult =
  | { outcome: 'success'; message: string; httpStatus: number; response: string }
  | Extract<DeliveryResult, { outcome: 'rejected' | 'retryable' }>;

// ITU-T E.164 calling codes: 1 and 7 have one digit, these have two, every other has three.
const TWO_DIGIT_CALLING_CODES = new Set(
  [
    20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62,
    63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
  ].map(String),
);

/** `+447840258823` → countrycode 44, mobile 7840258823. */
export function splitE164(phone: string): { countrycode: string; mobile: string } {
  const digits = phone.replace(/\D/g, '');
  const length = /^[17]/.test(digits) ? 1 : TWO_DIGIT_CALLING_CODES.has(digits.slice(0, 2)) ? 2 : 3;
  return { countrycode: digits.slice(0, length), mobile: digits.slice(length) };
}

/** Who the lead is, as every Getlead endpoint identifies them. */
function contactOf(lead: CanonicalLead, options: GetleadOptions) {
  const map = { ...DEFAULT_FIELD_MAP, ...options.fieldMap };
  const { countrycode, mobile } = splitE164(fieldText(lead, map.mobileno) ?? '');
  return { countrycode, mobile, email: fieldText(lead, map.email) };
}

/** Query parameters without the empty ones, in the order given. */
function params(entries: Record<string, string | number | undefined>): URLSearchParams {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(entries)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  return search;
}

async function postGetlead(
  url: string,
  search: URLSearchParams,
  { signal, transport }: GetleadContext,
): Promise<GetleadResult> {
  const reply = await callProvider(`${url}?${search}`, { method: 'POST' }, signal, transport);
  const retry = retryableReply(reply);
  if (retry?.outcome === 'retryable') return retry;
  const response = excerpt(reply.text);
  const ok = reply.status >= 200 && reply.status < 300;
  const answer = getleadAnswerSchema.safeParse(parseJson(reply.text));
  if (answer.success) {
    const { status, message = status } = answer.data;
    if (ok && status === 'success') return { outcome: 'success', message, httpStatus: reply.status, response };
    if (status === 'fail' || status === 'error') {
      return { outcome: 'rejected', reason: message, httpStatus: reply.status, response };
    }
  }
  if (ok) return { outcome: 'retryable', reason: 'Unrecognised answer', httpStatus: reply.status, response };
  const reason =
    reply.status === 401 || reply.status === 403 ? 'Unauthorised: the token was refused' : `HTTP ${reply.status}`;
  return { outcome: 'rejected', reason, httpStatus: reply.status, response };
}

/** Creates the lead (`gl-website-contacts`), without its follow-ups. */
export function createGetleadLead(lead: CanonicalLead, context: GetleadContext) {
  const { options, baseUrl, apiKey } = context;
  const map = { ...DEFAULT_FIELD_MAP, ...options.fieldMap };
  const contact = contactOf(lead, options);
  const name = options.nameFields.flatMap((field) => fieldText(lead, field) ?? []).join(' ');
  const custom = Object.fromEntries(
    Object.entries(options.customFields).map(([getleadName, field]) => [getleadName, fieldText(lead, field)]),
  );
  const search = params({
    token: apiKey,
    name,
    email: contact.email,
    countrycode: contact.countrycode,
    mobileno: contact.mobile,
    source: options.source,
    feedback: fieldText(lead, map.feedback),
    company_name: fieldText(lead, map.company_name),
    staff_name: options.staffName,
    date_of_birth: fieldText(lead, map.date_of_birth),
    purpose: fieldText(lead, map.purpose),
    status: options.status,
    department: options.department,
    ...custom,
  });
  return postGetlead(`${baseUrl}/api/gl-website-contacts`, search, context);
}

/** Creates a task on the lead (`gl-task-creation-api`). */
export function createGetleadTask(lead: CanonicalLead, context: GetleadContext, task: GetleadTask) {
  const { countrycode, mobile, email } = contactOf(lead, context.options);
  const search = params({
    token: context.apiKey,
    name: task.name,
    description: task.description,
    countrycode,
    mobile_no: mobile,
    email,
    comment: task.comment,
    task_category_id: task.category === 'call' ? 2 : 1,
    scheduled_date: task.scheduledDate,
    assigned_to: task.assignedTo,
  });
  return postGetlead(`${context.baseUrl}/api/gl-task-creation-api`, search, context);
}

/** Adds a note to the lead (`gl-note-creation-api`). */
export function createGetleadNote(lead: CanonicalLead, context: GetleadContext, note: string) {
  const { countrycode, mobile, email } = contactOf(lead, context.options);
  const search = params({ token: context.apiKey, note, countrycode, mobile_no: mobile, email });
  return postGetlead(`${context.baseUrl}/api/gl-note-creation-api`, search, context);
}

/** Changes the lead's status (`gl-status-change-api`). */
export function changeGetleadStatus(lead: CanonicalLead, context: GetleadContext, status: string) {
  const { countrycode, mobile, email } = contactOf(lead, context.options);
  const search = params({ token: context.apiKey, status, countrycode, mobile_no: mobile, email });
  return postGetlead(`${context.baseUrl}/api/gl-status-change-api`, search, context);
}

/** Creates a deal on the lead (`gl-deal-creation-api`). */
export function createGetleadDeal(lead: CanonicalLead, context: GetleadContext, deal: GetleadDeal) {
  const { countrycode, mobile } = contactOf(lead, context.options);
  const search = params({
    token: context.apiKey,
    mobile,
    status: deal.status,
    deal_name: deal.name,
    countrycode,
    staff_name: deal.staffName,
    deal_amount: deal.amount,
    start_date: deal.startDate,
    end_date: deal.endDate,
    deal_note: deal.note,
  });
  return postGetlead(`${context.baseUrl}/api/gl-deal-creation-api`, search, context);
}

/** Assigns the lead's number to a department (`gl-department-vise-agent-assign/{token}`). */
export function assignGetleadDepartment(lead: CanonicalLead, context: GetleadContext, department: string) {
  const { mobile } = contactOf(lead, context.options);
  const url = `${context.baseUrl}/api/gl-department-vise-agent-assign/${encodeURIComponent(context.apiKey)}`;
  return postGetlead(url, params({ SourceNumber: mobile, department }), context);
}

/** A Getlead call's answer as a step records it: Getlead returns no id, so there is no reference. */
async function asStep(call: Promise<GetleadResult>): Promise<DeliveryResult> {
  const result = await call;
  return result.outcome === 'success'
    ? { outcome: 'delivered', reference: null, httpStatus: result.httpStatus, response: result.response }
    : result;
}

/**
 * What an operator can do to a lead Getlead has, each with every parameter its endpoint documents
 * (the contact that names the lead is always the lead's own).
 */
const getleadSteps = {
  status: defineStep(z.strictObject({ status: z.string().min(1).max(200) }), (lead, p, context: GetleadContext) =>
    asStep(changeGetleadStatus(lead, context, p.status)),
  ),
  note: defineStep(z.strictObject({ note: z.string().min(1).max(2000) }), (lead, p, context: GetleadContext) =>
    asStep(createGetleadNote(lead, context, p.note)),
  ),
  task: defineStep(getleadTaskSchema, (lead, p, context: GetleadContext) =>
    asStep(createGetleadTask(lead, context, p)),
  ),
  deal: defineStep(getleadDealSchema, (lead, p, context: GetleadContext) =>
    asStep(createGetleadDeal(lead, context, p)),
  ),
  department: defineStep(
    z.strictObject({ department: z.string().min(1).max(200) }),
    (lead, p, context: GetleadContext) => asStep(assignGetleadDepartment(lead, context, p.department)),
  ),
};

export const getlead = defineAdapter({
  name: 'getlead',
  optionsSchema: getleadOptionsSchema,
  defaultSecret: 'GETLEAD_TOKEN',
  baseUrlVar: 'GETLEAD_BASE_URL',
  requiredFields: (options) => [options.fieldMap.mobileno ?? DEFAULT_FIELD_MAP.mobileno],
  steps: getleadSteps,
  followUps: (lead, options) =>
    options.followUps.flatMap((followUp): FollowUp[] => {
      if (followUp.kind === 'note') {
        const note = fieldText(lead, followUp.field);
        return note ? [{ kind: 'note', payload: { note } }] : [];
      }
      const { kind, ...payload } = followUp;
      return [{ kind, payload }];
    }),
  async deliver(lead, context) {
    const created = await createGetleadLead(lead, context);
    if (created.outcome !== 'success') return created;
    return { outcome: 'delivered', reference: lead.id, httpStatus: created.httpStatus, response: created.response };
  },
});
