/**
 * @module The relay's error contract: codes, the body every error has, and how a zod issue becomes
 * an issue that names the field and the rule. Shared so the widget can show errors the relay sends.
 */
import * as z from 'zod/mini';

export const ERROR_STATUS = {
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  origin_not_allowed: 403,
  bot_check_failed: 403,
  /** A signed-in operator whose role may not do this: the message names the role needed. */
  forbidden: 403,
  form_not_found: 404,
  lead_not_found: 404,
  session_not_found: 404,
  not_found: 404,
  idempotency_conflict: 409,
  session_used: 409,
  /** The lead has no delivered destination at the provider asked about (e.g. LeadExec status). */
  not_delivered: 409,
  /** The lead is in the archive: it can be read, exported and erased, no longer replayed or acted on. */
  lead_archived: 409,
  /** The lead was not sent to a dialler, so there is nothing to cancel there. */
  no_dialler_destination: 409,
  order_expired: 410,
  /** The lead's personal data was erased or purged: it can no longer be changed, sent or acted on. */
  lead_erased: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  upstream_failed: 502,
  /** Neither D1 nor the spill could store the lead: nothing was kept; try again after `Retry-After`. */
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The rule a field broke, so a client can translate the message. */
export const ISSUE_RULES = [
  'required',
  'max_length',
  'min_length',
  'email',
  'phone',
  'option',
  'type',
  'unknown_field',
  'format',
  'invalid',
] as const;
export type IssueRule = (typeof ISSUE_RULES)[number];

/** The rule an answer broke, with its limit when the rule has one. */
export interface FieldIssue {
  rule: IssueRule;
  limit?: number;
}

export const apiIssueSchema = z.object({
  path: z.string(),
  rule: z.optional(z.string()),
  message: z.string(),
  limit: z.optional(z.number()),
});
export type ApiIssue = z.infer<typeof apiIssueSchema>;

export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.optional(z.array(apiIssueSchema)),
    /** How many issues there were, given only when `issues` lists the first of them and not all. */
    issueCount: z.optional(z.number()),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

const ENGLISH: Record<IssueRule, (limit?: number) => string> = {
  required: () => 'This field is required',
  max_length: (n) => `Must be at most ${n} characters`,
  min_length: (n) => `Must be at least ${n} characters`,
  email: () => 'Enter a valid email address',
  phone: () => 'Enter a valid phone number',
  option: () => 'Choose one of the listed options',
  type: () => 'Has the wrong type',
  unknown_field: () => 'Is not a field of this form',
  format: () => 'Has the wrong format',
  invalid: () => 'Is not valid',
};

/** English text for a rule; the widget's locales override these by rule name. */
export function ruleMessage(rule: IssueRule, limit?: number): string {
  return ENGLISH[rule](limit);
}

type RawIssue = z.core.$ZodIssue;

/** The rule a zod issue broke; `given` is the value that broke it (zod issues do not carry it). */
function issueRule(issue: RawIssue, given: unknown): FieldIssue {
  switch (issue.code) {
    case 'invalid_type':
      return { rule: given === undefined || given === null ? 'required' : 'type' };
    case 'too_big':
      return { rule: 'max_length', limit: Number(issue.maximum) };
    case 'too_small':
      return Number(issue.minimum) <= 1 ? { rule: 'required' } : { rule: 'min_length', limit: Number(issue.minimum) };
    case 'invalid_format':
      return { rule: issue.format === 'email' ? 'email' : 'format' };
    case 'invalid_value':
      return { rule: 'option' };
    case 'unrecognized_keys':
      return { rule: 'unknown_field' };
    case 'custom': {
      const { rule, limit } = (issue.params ?? {}) as { rule?: IssueRule; limit?: number };
      if (!rule || !ISSUE_RULES.includes(rule)) return { rule: 'invalid' };
      return limit === undefined ? { rule } : { rule, limit };
    }
    default:
      return { rule: 'invalid' };
  }
}

/** The value at `path` inside `input`: zod issues do not carry it, and it tells missing from mistyped. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Turns zod issues from parsing `input` into API issues, one per field and rule, with a dotted
 * path from `prefix`.
 */
export function toApiIssues(issues: readonly RawIssue[], input: unknown, prefix: string[] = []): ApiIssue[] {
  const out: ApiIssue[] = [];
  for (const issue of issues) {
    const { rule, limit } = issueRule(issue, valueAt(input, issue.path));
    const base = [...prefix, ...issue.path.map(String)];
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...base, k]) : [base];
    for (const p of paths) {
      const entry: ApiIssue = { path: p.join('.'), rule, message: ruleMessage(rule, limit) };
      if (limit !== undefined) entry.limit = limit;
      out.push(entry);
    }
  }
  return out;
}
