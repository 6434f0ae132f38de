/**
 * @module The rules of a lead's answers, built from a form's field definitions. `checkField` is the
 * one place they are written: the widget runs it as the consumer types, and the relay runs it inside
 * the zod schema it checks a whole lead with (`buildFieldsSchema`), so the two cannot disagree.
 * Two rules the relay takes further, which the widget has no room for: `checkField` reads a number
 * leniently (its country's calling code, trunk prefix and general shape), then the relay's schema
 * asks libphonenumber-js whether that number exists; and the relay refuses invisible characters
 * inside visible text (`INVISIBLE`), where the widget refuses only the few in `SINGLE_LINE`. So the
 * widget may let an answer through to the relay's refusal, but never refuses one the relay takes.
 * `checkField` borrows only zod's email pattern, not its parser: zod/mini's parser alone would be a
 * quarter of the widget's size budget, for rules that fit in this file.
 */
import type { FieldIssue } from './errors.ts';
import type { FieldDefinition } from './form.ts';
import { BUILT_IN_PLANS, type PhonePlan, toE164 } from './phone.ts';

/**
 * zod's own email pattern (`z.regexes.email`, which the relay's schemas use), written out so the
 * widget ships no zod; test/shared/fields.test.ts holds the two equal.
 */
export const EMAIL =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** Default max length of a free-text field: the longest most providers accept. */
const DEFAULT_MAX_LENGTH = 200;
const TEXTAREA_MAX_LENGTH = 2000;
const POSTCODE_MAX_LENGTH = 10;

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
const POSTCODE = /^[A-Z0-9 ]*$/;

/** An answer as the relay stores it (trimmed, NFC, phones in E.164; undefined when blank), or its issue. */
export type FieldCheck = { ok: true; value: string | boolean | undefined } | { ok: false; issue: FieldIssue };

/**
 * Text that shows nothing: white space, what Unicode says to draw as nothing
 * (Default_Ignorable_Code_Point: zero-width and direction marks, the soft hyphen, Hangul fillers,
 * tag characters, variation selectors…) and the blank braille cell.
 */
const BLANK = /^[\s\p{DI}\u2800]*$/u;

/** A blank answer is no answer: "", text that shows nothing and an unticked box count as missing. */
function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === false || (typeof value === 'string' && BLANK.test(value));
}

function maxLengthOf(field: FieldDefinition): number {
  const max = field.maxLength ?? (field.type === 'textarea' ? TEXTAREA_MAX_LENGTH : DEFAULT_MAX_LENGTH);
  return field.type === 'postcode' ? Math.min(max, POSTCODE_MAX_LENGTH) : max;
}

/**
 * The text as it is kept: trimmed and NFC for people's words, upper case for postcodes, as typed
 * otherwise. Only ASCII letters are raised: toUpperCase would turn "ß" into "SS" (and "ı" into "I"),
 * making a postcode the format check then passes out of one it must refuse.
 */
function normalise(field: FieldDefinition, text: string): string {
  if (field.type === 'postcode') return text.trim().replace(/[a-z]/g, (c) => c.toUpperCase());
  if (field.type === 'tel' || field.type === 'select') return text;
  return text.trim().normalize('NFC');
}

/**
 * How a tel field reads numbers: the relay's plans or, for a field it did not fill (one served
 * before it did), the built-in plan of its country.
 */
function plansOf(field: FieldDefinition): PhonePlan[] {
  const builtIn = BUILT_IN_PLANS[field.country ?? 'GB'];
  return field.plans ?? (builtIn ? [builtIn] : []);
}

/** The format rule a text of this field must meet, once it is within its length. */
function formatIssue(field: FieldDefinition, text: string): FieldIssue | undefined {
  switch (field.type) {
    case 'email':
      return EMAIL.test(text) ? undefined : { rule: 'email' };
    case 'tel':
      return toE164(text, plansOf(field), field.country) ? undefined : { rule: 'phone' };
    case 'postcode':
      return POSTCODE.test(text) ? undefined : { rule: 'format' };
    case 'select':
      return field.options?.some((o) => o.value === text) ? undefined : { rule: 'option' };
    default:
      return (field.type === 'textarea' ? MULTI_LINE : SINGLE_LINE).test(text) ? undefined : { rule: 'format' };
  }
}

/** Checks one answer against its field: required, type, length (in characters, not UTF-16 units), format. */
export function checkField(field: FieldDefinition, value: unknown): FieldCheck {
  if (isBlank(value))
    return field.required ? { ok: false, issue: { rule: 'required' } } : { ok: true, value: undefined };
  if (field.type === 'checkbox') return value === true ? { ok: true, value } : { ok: false, issue: { rule: 'type' } };
  if (typeof value !== 'string') return { ok: false, issue: { rule: 'type' } };
  const text = normalise(field, value);
  const limit = maxLengthOf(field);
  if ([...text].length > limit) return { ok: false, issue: { rule: 'max_length', limit } };
  const issue = formatIssue(field, text);
  if (issue) return { ok: false, issue };
  return { ok: true, value: field.type === 'tel' ? toE164(text, plansOf(field), field.country) : text };
}
