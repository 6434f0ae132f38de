/**
 * @module The schema of a lead's answers, built from a form's field definitions: the widget checks
 * each field with it as the consumer types, and the relay checks the whole lead before storing it.
 */
import * as z from 'zod/mini';
import type { FieldDefinition } from './form.ts';
import { toE164 } from './phone.ts';

/** Default max length of a free-text field: the longest most providers accept. */
export const DEFAULT_MAX_LENGTH = 200;
const TEXTAREA_MAX_LENGTH = 2000;

/**
 * Control characters (CR and LF above all: they could reach a header or a query string), the
 * Unicode line and paragraph separators, the bidirectional overrides that make text read
 * differently from what is stored, the invisible zero-width space, word joiner and BOM (a name that
 * looks like another, or blank but "given"), and lone surrogates (not text: no encoding can carry
 * them to a provider). The zero-width (non-)joiners stay: Persian, Indic scripts and emoji need
 * them. A text area may keep its line breaks and tabs.
 */
const SINGLE_LINE = /^[^\p{Cc}\p{Cs}\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$/u;
const MULTI_LINE = /^(?:[^\p{Cc}\p{Cs}\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]|[\t\n\r])*$/u;

function stringSchema(field: FieldDefinition) {
  const max = field.maxLength ?? (field.type === 'textarea' ? TEXTAREA_MAX_LENGTH : DEFAULT_MAX_LENGTH);
  switch (field.type) {
    case 'email':
      return z.string().check(z.trim(), z.normalize('NFC'), z.maxLength(max), z.email());
    case 'textarea':
      return z.string().check(z.trim(), z.normalize('NFC'), z.maxLength(max), z.regex(MULTI_LINE));
    case 'tel': {
      const country = field.country ?? 'GB';
      return z.string().check(
        z.maxLength(max),
        z.refine((v) => toE164(v, country) !== undefined, { params: { rule: 'phone' }, abort: true }),
        z.overwrite((v) => toE164(v, country) ?? v),
      );
    }
    case 'postcode':
      return z.string().check(z.trim(), z.toUpperCase(), z.maxLength(Math.min(max, 10)), z.regex(/^[A-Z0-9 ]*$/));
    case 'select': {
      const values = (field.options ?? []).map((o) => o.value);
      return z.string().check(z.refine((v) => values.includes(v), { params: { rule: 'option' } }));
    }
    default:
      return z.string().check(z.trim(), z.normalize('NFC'), z.maxLength(max), z.regex(SINGLE_LINE));
  }
}

/** The schema of one field alone: what the widget checks as the consumer types. */
export function buildFieldSchema(field: FieldDefinition) {
  if (field.type === 'checkbox')
    return field.required
      ? z.boolean().check(z.refine((v) => v, { params: { rule: 'required' } }))
      : z.optional(z.boolean());
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
