/**
 * @module The public form definition (what `GET /v1/forms/:formId` answers and the widget renders)
 * and the schema of a lead's fields built from it, used by the widget as the consumer types and by
 * the relay before anything is stored.
 */
import * as z from 'zod/mini';
import { toE164 } from './phone.ts';

export const FIELD_TYPES = ['text', 'email', 'tel', 'textarea', 'select', 'checkbox', 'postcode', 'hidden'] as const;

export const fieldOptionSchema = z.object({ value: z.string(), label: z.string() });

export const fieldDefinitionSchema = z.object({
  name: z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/)),
  type: z.enum(FIELD_TYPES),
  label: z.string().check(z.minLength(1), z.maxLength(200)),
  required: z.boolean(),
  maxLength: z.optional(z.int().check(z.minimum(1), z.maximum(10_000))),
  options: z.optional(z.array(fieldOptionSchema)),
  placeholder: z.optional(z.string()),
  autocomplete: z.optional(z.string()),
  help: z.optional(z.string()),
  /** For `tel`: the country whose national numbers are accepted (others need a leading +). */
  country: z.optional(z.enum(['GB', 'US'])),
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
  turnstileSiteKey: z.optional(z.string()),
  /** Changes whenever a consent or label text changes, so consent records name what was shown. */
  textsVersion: z.string(),
});
export type PublicForm = z.infer<typeof publicFormSchema>;

/** Default max length of a free-text field: the longest most providers accept. */
export const DEFAULT_MAX_LENGTH = 200;
const TEXTAREA_MAX_LENGTH = 2000;

function stringSchema(field: FieldDefinition) {
  const max = field.maxLength ?? (field.type === 'textarea' ? TEXTAREA_MAX_LENGTH : DEFAULT_MAX_LENGTH);
  switch (field.type) {
    case 'email':
      return z.string().check(z.trim(), z.normalize('NFC'), z.maxLength(max), z.email());
    case 'tel': {
      const country = field.country ?? 'GB';
      return z.pipe(
        z.string().check(
          z.maxLength(max),
          z.refine((v) => toE164(v, country) !== undefined, { params: { rule: 'phone' }, abort: true }),
        ),
        z.transform((v) => toE164(v, country) ?? v),
      );
    }
    case 'postcode':
      return z.string().check(z.trim(), z.toUpperCase(), z.maxLength(Math.min(max, 10)), z.regex(/^[A-Z0-9 ]*$/));
    case 'select': {
      const values = (field.options ?? []).map((o) => o.value);
      return z.string().check(z.refine((v) => values.includes(v), { params: { rule: 'option' } }));
    }
    default:
      return z.string().check(z.trim(), z.normalize('NFC'), z.maxLength(max));
  }
}

/** The schema of one field alone: what the widget checks as the consumer types. */
export function buildFieldSchema(field: FieldDefinition) {
  if (field.type === 'checkbox') return field.required ? z.literal(true) : z.optional(z.boolean());
  const base = stringSchema(field);
  return field.required ? base : z.optional(base);
}

/** A blank answer is no answer: "" and whitespace count as missing, so "required" is the rule named. */
export function withoutBlanks(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && v.trim() === '') continue;
    if (v === false) continue;
    out[key] = v;
  }
  return out;
}

/** The zod schema of a lead's `fields` for these field definitions: unknown fields are refused. */
export function buildFieldsSchema(fields: readonly FieldDefinition[]) {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const field of fields) shape[field.name] = buildFieldSchema(field);
  return z.pipe(z.transform(withoutBlanks), z.strictObject(shape));
}
