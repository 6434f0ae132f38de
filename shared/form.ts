/**
 * @module The public form definition: what `GET /v1/forms/:formId` answers and the widget renders.
 * The widget imports only its types; the schemas of a lead's answers are in fields.ts.
 */
import * as z from 'zod/mini';

export const FIELD_TYPES = ['text', 'email', 'tel', 'textarea', 'select', 'checkbox', 'postcode', 'hidden'] as const;

export const fieldOptionSchema = z.object({ value: z.string(), label: z.string() });

/**
 * A field's name is a key of the answers object on both sides: one that every object already has
 * ("constructor", "toString") would read as answered when it is missing.
 */
const fieldName = z.string().check(
  z.regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/),
  z.refine((name) => !(name in Object.prototype), { message: 'a name every object already has' }),
);

/** A country as ISO 3166-1 alpha-2; the relay refuses one that libphonenumber-js does not know. */
const countryCode = z.string().check(z.regex(/^[A-Z]{2}$/));

/** `PhonePlan` (shared/phone.ts): how a country's numbers are read. */
const phonePlanSchema = z.object({ country: countryCode, code: z.string(), trunk: z.string(), shape: z.string() });

export const fieldDefinitionSchema = z.object({
  name: fieldName,
  type: z.enum(FIELD_TYPES),
  label: z.string().check(z.minLength(1), z.maxLength(200)),
  required: z.boolean(),
  maxLength: z.optional(z.int().check(z.minimum(1), z.maximum(10_000))),
  options: z.optional(z.array(fieldOptionSchema)),
  placeholder: z.optional(z.string()),
  autocomplete: z.optional(z.string()),
  help: z.optional(z.string()),
  /**
   * For `tel`: the countries whose numbers it takes (ISO 3166-1 alpha-2, e.g. ["GB", "IN"]); with
   * several, the consumer picks the country beside the field. Default: `country` alone.
   */
  countries: z.optional(z.array(countryCode).check(z.minLength(1))),
  /**
   * For `tel`: the country a number typed without its + code is read as, one of `countries`
   * (default: the first). Alone, the one country the field takes (default GB).
   */
  country: z.optional(countryCode),
  /** For `tel`, filled in by the relay: how each of `countries` reads numbers (see shared/phone.ts). */
  plans: z.optional(z.array(phonePlanSchema)),
});
export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>;

export const consentDefinitionSchema = z.object({
  name: z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/)),
  text: z.string().check(z.minLength(1)),
  required: z.boolean(),
});
export type ConsentDefinition = z.infer<typeof consentDefinitionSchema>;

export const stepDefinitionSchema = z.object({
  title: z.string(),
  fields: z.array(z.string()),
});

export const publicFormSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.optional(z.string()),
  fields: z.array(fieldDefinitionSchema),
  steps: z.array(stepDefinitionSchema),
  consents: z.array(consentDefinitionSchema),
  submitLabel: z.optional(z.string()),
  successMessage: z.optional(z.string()),
  pingPost: z.boolean(),
  /** With ping/post: whether the consumer may explicitly choose none of the offers. */
  allowNoOffer: z.optional(z.boolean()),
  turnstileSiteKey: z.optional(z.string()),
  /** Changes whenever a consent or label text changes, so consent records name what was shown. */
  textsVersion: z.string(),
});
export type PublicForm = z.infer<typeof publicFormSchema>;
