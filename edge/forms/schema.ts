/**
 * @module A form's configuration: the public definition the widget renders plus what stays in the
 * relay (allowed origins, destinations with provider options, limits). Checked when the relay
 * starts; a mistake names its path and rule rather than failing on the first lead.
 */
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  isSupportedCountry,
  Metadata,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import * as z from 'zod';
import { setExactPhoneCheck } from '../../shared/fields-schema.ts';
import {
  consentDefinitionSchema,
  type FieldDefinition,
  fieldDefinitionSchema,
  stepDefinitionSchema,
} from '../../shared/form.ts';
import type { PhonePlan } from '../../shared/phone.ts';
import { PING_FALLBACKS } from '../../shared/ping-post.ts';
import { adapters } from '../providers/registry.ts';

/*
 * Phones: libphonenumber-js with its `max` metadata is the relay's exact check of a number (see
 * shared/fields-schema.ts). `max`, because it alone checks a number's digits against the ranges in use in
 * every country (`min` checks little more than the length for many, and `mobile` refuses
 * landlines, which forms take). It adds about 52 KB gzipped to the worker (`min` 32, `mobile` 36),
 * far inside its limit; a check takes some 30 µs.
 */
const metadata = new Metadata();

/** What the library's numbering plan has beyond its types. */
interface NumberingPlanData {
  nationalNumberPattern(): string;
  nationalPrefix(): unknown;
}

function numberingPlan(country: CountryCode): NumberingPlanData {
  metadata.selectNumberingPlan(country);
  return metadata.numberingPlan as unknown as NumberingPlanData;
}

const plans = new Map<string, PhonePlan>();

/** How `country`'s numbers are read by the lenient check the widget runs (shared/phone.ts). */
export function phonePlan(country: CountryCode): PhonePlan {
  let plan = plans.get(country);
  if (!plan) {
    const code = getCountryCallingCode(country);
    const trunk = numberingPlan(country).nationalPrefix();
    // Its own shape first, then those of the others that share its calling code, once each.
    const sharing = getCountries().filter((other) => getCountryCallingCode(other) === code);
    const shapes = new Set([country, ...sharing].map((each) => numberingPlan(each).nationalNumberPattern()));
    plan = { country, code, trunk: typeof trunk === 'string' ? trunk : '', shape: [...shapes].join('|') };
    plans.set(country, plan);
  }
  return plan;
}

/** The number in E.164 when libphonenumber-js finds it valid; undefined when no such number exists. */
export function exactE164(e164: string): string | undefined {
  const number = parsePhoneNumberFromString(e164);
  return number?.isValid() ? number.number : undefined;
}

setExactPhoneCheck(exactE164);

/**
 * A phone field with its countries checked, the one it reads numbers without a + code as, and the
 * plan of each for the widget; any other field as configured.
 */
function withPhonePlans(fields: FieldDefinition[], ctx: z.RefinementCtx): FieldDefinition[] {
  return fields.map((field, i) => {
    if (field.type !== 'tel') return field;
    const countries = field.countries ?? [field.country ?? 'GB'];
    const unknown = countries.filter((country) => !isSupportedCountry(country));
    if (unknown.length > 0) {
      const path = [i, field.countries ? 'countries' : 'country'];
      ctx.addIssue({ code: 'custom', path, message: `no phone numbering plan for ${unknown.join(', ')}` });
      return field;
    }
    const country = field.country ?? (countries[0] as string);
    if (!countries.includes(country)) {
      ctx.addIssue({ code: 'custom', path: [i, 'country'], message: `"${country}" is not one of the countries` });
    }
    return { ...field, countries, country, plans: countries.map((c) => phonePlan(c as CountryCode)) };
  });
}

/** What every destination has; the provider's own `options` are checked by its adapter's schema. */
const destinationShape = z.strictObject({
  provider: z.string(),
  /** The secret holding this destination's key; default: the provider's usual name. */
  apiKeySecret: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/)
    .optional(),
  options: z.unknown(),
});

const destinationSchema = z.discriminatedUnion(
  'provider',
  adapters.map((adapter) =>
    destinationShape.extend({ provider: z.literal(adapter.name), options: adapter.optionsSchema }),
  ) as unknown as [typeof destinationShape, ...(typeof destinationShape)[]],
);

const pingPostSchema = z.strictObject({
  /** With no offers (or no answer in time): post the lead plainly, or tell the consumer no match. */
  fallback: z.enum(PING_FALLBACKS).default('post'),
  /** How long the consumer waits for offers before the fallback. Default 3 s. */
  timeoutMs: z.number().int().positive().max(10_000).default(3000),
  /** Whether the consumer may explicitly choose none of the offers. Default false. */
  allowNoOffer: z.boolean().default(false),
  /** Ask LeadExec's duplicate check before pinging; a duplicate takes the fallback. Default false. */
  duplicateCheck: z.boolean().default(false),
  /** Consent text for an offer without its own; `{company}` becomes the seller's name. */
  defaultConsentText: z.string().min(1),
});

/** The destination a ping/post form pings: the one whose provider pings and says this one does. */
export function pingDestinationIndex(destinations: readonly { provider: string; options: unknown }[]): number {
  return destinations.findIndex((d) => adapters.find((a) => a.name === d.provider)?.ping?.pings(d.options as never));
}

/** How long a form keeps personal data unless it says (two years), and what leads of a removed form keep. */
export const DEFAULT_RETENTION_DAYS = 730;

/** How long a finished lead stays in D1 before the archive takes it, unless its form says. */
export const DEFAULT_ARCHIVE_AFTER_DAYS = 90;

/** An origin (`https://example.com`) or a local pattern with any port (`http://localhost:*`). */
const originSchema = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(:(\d{1,5}|\*))?$/, 'an origin such as https://example.com, no path');

export const formConfigSchema = z
  .strictObject({
    /** The JSON Schema an editor checks the file against (`forms.schema.json`); ignored here. */
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    title: z.string().min(1),
    description: z.string().optional(),
    allowedOrigins: z.array(originSchema).min(1),
    fields: z.array(fieldDefinitionSchema).min(1).transform(withPhonePlans),
    steps: z.array(stepDefinitionSchema).optional(),
    consents: z.array(consentDefinitionSchema).default([]),
    submitLabel: z.string().optional(),
    successMessage: z.string().optional(),
    destinations: z.array(destinationSchema).min(1),
    /**
     * Days a lead's personal data is kept before the hourly purge removes it, leaving an anonymous
     * row. Default 730 (two years); US forms whose consent is TCPA evidence may want 1,461 or more
     * (the four-year federal limitation period).
     */
    retentionDays: z.number().int().min(1).max(3653).default(DEFAULT_RETENTION_DAYS),
    /**
     * Days a finished lead (every delivery and step final) stays in D1, where the numbers and the
     * lists read it fastest, before the archive (R2) takes it and its rows leave D1. Default 90; 0
     * archives it at the next maintenance run.
     */
    archiveAfterDays: z.number().int().min(0).max(3653).default(DEFAULT_ARCHIVE_AFTER_DAYS),
    /** Leads per minute per client IP for this form. Default 60. */
    rateLimitPerMinute: z.number().int().positive().default(60),
    /** Seconds a person needs at least between render and submit; 0 (default) turns it off. */
    minSubmitSeconds: z.number().nonnegative().default(0),
    turnstileSiteKey: z.string().optional(),
    /** LeadExec ping → offers → consent → post; the destination that pings has `pingPost: true`. */
    pingPost: pingPostSchema.optional(),
  })
  .superRefine((form, ctx) => {
    if (form.pingPost && pingDestinationIndex(form.destinations) < 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['pingPost'],
        message: 'ping/post needs a destination that pings (leadexec with pingPost: true)',
      });
    }
    const pinging = form.destinations[pingDestinationIndex(form.destinations)];
    const refusal = pinging
      ? adapters
          .find((a) => a.name === pinging.provider)
          ?.ping?.refuses?.(pinging.options as never, { duplicateCheck: form.pingPost?.duplicateCheck ?? false })
      : undefined;
    if (form.pingPost && refusal) {
      ctx.addIssue({ code: 'custom', path: ['pingPost', 'duplicateCheck'], message: refusal });
    }
    if (form.pingPost && form.turnstileSiteKey) {
      // The ping and post requests carry no Turnstile token: the form would look protected and not be.
      ctx.addIssue({
        code: 'custom',
        path: ['turnstileSiteKey'],
        message: 'Turnstile is verified on POST /leads only, not on ping/post',
      });
    }
    const names = new Set(form.fields.map((f) => f.name));
    form.fields.forEach((field, i) => {
      if (form.fields.findIndex((f) => f.name === field.name) !== i) {
        ctx.addIssue({ code: 'custom', path: ['fields', i, 'name'], message: `duplicate field "${field.name}"` });
      }
      if (field.type === 'select' && !field.options?.length) {
        ctx.addIssue({ code: 'custom', path: ['fields', i, 'options'], message: 'a select needs options' });
      }
    });
    for (const [s, step] of (form.steps ?? []).entries()) {
      for (const [i, name] of step.fields.entries()) {
        if (!names.has(name)) {
          ctx.addIssue({ code: 'custom', path: ['steps', s, 'fields', i], message: `no field named "${name}"` });
        }
      }
    }
    form.destinations.forEach((destination, d) => {
      const adapter = adapters.find((a) => a.name === destination.provider);
      for (const required of adapter?.requiredFields(destination.options as never) ?? []) {
        const field = form.fields.find((f) => f.name === required);
        if (!field?.required) {
          ctx.addIssue({
            code: 'custom',
            path: ['destinations', d],
            message: `${destination.provider} needs a required field "${required}"`,
          });
        }
      }
      // A provider that takes only some countries' phones (CAP: +44 or 0) is refused any other.
      const takes = (adapter?.phoneCountries ?? []).filter((country) => isSupportedCountry(country));
      const codes = takes.map((country) => getCountryCallingCode(country));
      for (const field of adapter?.phoneCountries ? form.fields : []) {
        const others = (field.plans ?? []).filter((plan) => !codes.includes(plan.code));
        if (others.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['destinations', d],
            message: `${destination.provider} takes phone numbers of ${takes.map((c, j) => `${c} (+${codes[j]})`).join(', ')} only, and field "${field.name}" takes ${others.map((p) => `${p.country} (+${p.code})`).join(', ')}`,
          });
        }
      }
    });
  });

export type FormConfig = z.infer<typeof formConfigSchema>;
/** A form as a file gives it, before defaults. */
export type FormInput = z.input<typeof formConfigSchema>;
export type Destination = FormConfig['destinations'][number];

/** One thing wrong with a form: where (file, then the path inside it), the rule and what to do. */
export interface FormProblem {
  file: string;
  path: string;
  rule: string;
  message: string;
}

/** A form file as a build gathered it: its path from the project root and its parsed JSON. */
export interface FormFile {
  file: string;
  form: unknown;
}

function problem(file: string, path: readonly PropertyKey[], rule: string, message: string): FormProblem {
  return { file, path: path.map(String).join('.') || '(root)', rule, message };
}

/**
 * Checks form files: each against the schema, its id against its file name (so a form is found by
 * its file), and no id twice. Every problem is returned, not only the first.
 */
export function checkFormFiles(files: readonly FormFile[]): { forms: FormConfig[]; problems: FormProblem[] } {
  const forms: FormConfig[] = [];
  const problems: FormProblem[] = [];
  const seen = new Map<string, string>();
  for (const { file, form } of files) {
    const result = formConfigSchema.safeParse(form);
    if (!result.success) {
      for (const issue of result.error.issues) problems.push(problem(file, issue.path, issue.code, issue.message));
      continue;
    }
    const name = file
      .split('/')
      .pop()
      ?.replace(/\.json$/, '');
    if (name !== undefined && name !== result.data.id) {
      problems.push(problem(file, ['id'], 'file_name', `the id must be the file's name ("${name}")`));
    }
    const other = seen.get(result.data.id);
    if (other) problems.push(problem(file, ['id'], 'unique', `"${result.data.id}" is also the id in ${other}`));
    seen.set(result.data.id, file);
    forms.push(result.data);
  }
  return { forms, problems };
}

export function describeProblem(p: FormProblem): string {
  return `${p.file}: ${p.path}: ${p.message} (rule: ${p.rule})`;
}

/** Loads form files, throwing one error that names every file, path and rule at fault. */
export function loadFormFiles(files: readonly FormFile[]): FormConfig[] {
  const { forms, problems } = checkFormFiles(files);
  if (problems.length > 0) {
    throw new Error(`[lead-capture] invalid forms:\n${problems.map(describeProblem).join('\n')}`);
  }
  return forms;
}

/** Loads forms given inline (tests, tools), each named by its id or place in the list. */
export function parseForms(input: readonly unknown[]): FormConfig[] {
  return loadFormFiles(
    input.map((form, i) => {
      const id = (form as { id?: unknown })?.id;
      return { file: typeof id === 'string' ? `${id}.json` : `form #${i}`, form };
    }),
  );
}
