/**
 * @module What every route that takes a lead checks, in the same way: the answers against the
 * form's schema, its consents, the client's rate limit, the form's bot defences. The client's
 * address is Cloudflare's `CF-Connecting-IP`, never a header the client could set.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { type ApiIssue, toApiIssues } from '../../shared/errors.ts';
import { buildFieldsSchema } from '../../shared/fields-schema.ts';
import { ApiError } from '../errors.ts';
import type { FormConfig } from '../forms/schema.ts';
import { checkRateLimit } from '../security/rate-limiter.ts';
import { verifyTurnstile } from '../security/turnstile.ts';

const fieldSchemas = new WeakMap<FormConfig, ReturnType<typeof buildFieldsSchema>>();
function fieldsSchemaOf(form: FormConfig) {
  let schema = fieldSchemas.get(form);
  if (!schema) {
    schema = buildFieldsSchema(form.fields);
    fieldSchemas.set(form, schema);
  }
  return schema;
}

export function clientIp(request: Request): string | null {
  return request.headers.get('cf-connecting-ip');
}

/** SHA-256 in hex, synchronously: each WebCrypto digest would be a trip through the event loop. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function validationFailed(issues: ApiIssue[]): ApiError {
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}` : 'The lead is not valid';
  return new ApiError('validation_failed', message, { issues });
}

/** Checks a lead's answers and consents against its form, returning them clean (trimmed, E.164). */
export function checkSubmission(
  form: FormConfig,
  submission: { fields: unknown; consent?: Record<string, boolean> },
  { consents = true } = {},
) {
  const fields = fieldsSchemaOf(form).safeParse(submission.fields);
  const issues = fields.success ? [] : toApiIssues(fields.error.issues, submission.fields, ['fields']);
  const consent = submission.consent ?? {};
  // A ping asks for offers before anyone consents: its form's consents are checked at the post.
  for (const definition of consents ? form.consents : []) {
    if (definition.required && consent[definition.name] !== true) {
      issues.push({ path: `consent.${definition.name}`, rule: 'required', message: 'This consent is required' });
    }
  }
  for (const name of Object.keys(consent)) {
    if (!form.consents.some((d) => d.name === name)) {
      issues.push({ path: `consent.${name}`, rule: 'unknown_field', message: 'Is not a consent of this form' });
    }
  }
  if (issues.length > 0 || !fields.success) throw validationFailed(issues);
  return { fields: fields.data, consent };
}

/** Counts one request from this client in `bucket`; past `perMinute`, 429 with Retry-After. */
async function spendBudget(env: Env, request: Request, bucket: string, perMinute: number): Promise<void> {
  const limit = await checkRateLimit(env, bucket, clientIp(request) ?? 'unknown', perMinute);
  if (!limit.allowed) {
    throw new ApiError('rate_limited', 'Too many requests from this address; try again shortly', {
      headers: { 'Retry-After': String(limit.retryAfterSeconds) },
    });
  }
}

/**
 * The form's per-client limit, as middleware between the form's guard and the body: every request
 * counts, whatever is wrong with its body (a scanner is cut off as fast as a flood), and one past the
 * limit gets 429 with Retry-After before its body is read at all. A `bucket` counts a kind of request
 * on its own (funnel events, several per lead, must not spend the leads' budget), `times` the form's
 * limit over.
 */
export const rateLimit =
  (
    budget: { bucket?: string; times?: number } = {},
  ): MiddlewareHandler<{ Bindings: Env; Variables: { form: FormConfig } }> =>
  async (c, next) => {
    const form = c.get('form');
    const bucket = budget.bucket ? `${form.id}:${budget.bucket}` : form.id;
    await spendBudget(c.env, c.req.raw, bucket, form.rateLimitPerMinute * (budget.times ?? 1));
    await next();
  };

/** The same limit for a route that belongs to no form, in a bucket of its own (no form id has a "/"). */
export const scopedRateLimit =
  (scope: string, perMinute: number): MiddlewareHandler<{ Bindings: Env }> =>
  async (c, next) => {
    await spendBudget(c.env, c.req.raw, scope, perMinute);
    await next();
  };

export interface BotEvidence {
  /** When the widget rendered the form (ms since epoch), if the client said. */
  renderedAt: number | undefined;
  turnstileToken: string | undefined;
  ip: string | null;
  /** The caller's Origin, already checked against the form's allow-list. */
  origin: string | undefined;
}

/**
 * The form's bot defences, 403 bot_check_failed when one fails: a submission sent sooner after the
 * form was rendered than `minSubmitSeconds` (a client that sends no `renderedAt`, such as a
 * partner's own server, is not refused for that alone), and Turnstile, verified with Cloudflare,
 * wherever the form has a site key.
 */
export async function checkBotDefences(env: Env, form: FormConfig, evidence: BotEvidence): Promise<void> {
  const { renderedAt, turnstileToken, ip, origin } = evidence;
  if (form.minSubmitSeconds > 0 && renderedAt !== undefined && Date.now() - renderedAt < form.minSubmitSeconds * 1000) {
    throw new ApiError('bot_check_failed', 'The form was sent too quickly');
  }
  if (!form.turnstileSiteKey) return;
  const passed =
    turnstileToken !== undefined &&
    origin !== undefined &&
    Boolean(env.TURNSTILE_SECRET) &&
    (await verifyTurnstile({
      secret: env.TURNSTILE_SECRET,
      token: turnstileToken,
      ip,
      hostname: new URL(origin).hostname,
      allowTestingKey: env.ENVIRONMENT === 'development',
    }));
  if (!passed) throw new ApiError('bot_check_failed', 'The bot check failed; please try again');
}
