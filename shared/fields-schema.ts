/**
 * @module The relay's check of a lead's answers as a zod schema: `checkField` (the widget's own
 * check, shared/fields.ts), then what only the relay checks. Kept apart from fields.ts so the widget,
 * which imports `checkField`, ships without zod.
 */
import * as z from 'zod/mini';
import { checkField, type FieldCheck } from './fields.ts';
import type { FieldDefinition } from './form.ts';

/**
 * The relay's exact check of a number `checkField` read: the number in E.164 as libphonenumber-js
 * writes it, or undefined when no such number exists.
 */
export type ExactPhoneCheck = (e164: string) => string | undefined;

let exactPhone: ExactPhoneCheck | undefined;

/**
 * Sets the exact phone check that `buildFieldsSchema` runs after `checkField`. The relay sets it as
 * it loads its forms (edge/forms/schema.ts), keeping libphonenumber-js out of the widget.
 */
export function setExactPhoneCheck(check: ExactPhoneCheck | undefined): void {
  exactPhone = check;
}

/**
 * Invisible characters inside otherwise visible text (Default_Ignorable_Code_Point) are refused by
 * the relay alone, since the widget has no room for the exceptions: they can make one name look like
 * another, or carry hidden text (tag characters spell ASCII no one sees) to whoever reads the lead.
 */
const INVISIBLE = /\p{DI}/u;
/**
 * The invisible characters real text needs, taken out before `INVISIBLE` looks: the zero-width
 * (non-)joiners (Persian, Indic scripts, emoji), a single variation selector after a character (❤️,
 * a kanji's variant, a Mongolian letter's form; a run of them can only be hidden data) and an emoji
 * tag sequence (the flags of England, Scotland and Wales).
 */
const NEEDED_INVISIBLE = /[\u200c\u200d]|(?<=[^\p{VS}])\p{VS}(?!\p{VS})|\u{1f3f4}[\u{e0020}-\u{e007e}]+\u{e007f}/gu;

/** `checkField`, then what only the relay checks: invisible characters, and a phone's exact check when one is set. */
function checkAnswer(field: FieldDefinition, value: unknown): FieldCheck {
  const result = checkField(field, value);
  if (!result.ok || typeof result.value !== 'string') return result;
  if (INVISIBLE.test(result.value.replace(NEEDED_INVISIBLE, ''))) return { ok: false, issue: { rule: 'format' } };
  if (field.type !== 'tel' || !exactPhone) return result;
  const exact = exactPhone(result.value);
  return exact ? { ok: true, value: exact } : { ok: false, issue: { rule: 'phone' } };
}

/**
 * The zod schema of a lead's `fields` for these field definitions: every field checked by
 * `checkAnswer`, unknown fields refused, blanks dropped from the result.
 */
export function buildFieldsSchema(fields: readonly FieldDefinition[]) {
  return z.pipe(
    z.record(z.string(), z.unknown()),
    z.transform((answers, ctx) => {
      const out: Record<string, string | boolean> = {};
      for (const field of fields) {
        const given = answers[field.name];
        const result = checkAnswer(field, given);
        if (!result.ok) ctx.issues.push({ code: 'custom', path: [field.name], input: given, params: result.issue });
        else if (result.value !== undefined) out[field.name] = result.value;
      }
      for (const name of Object.keys(answers)) {
        if (!fields.some((f) => f.name === name)) {
          ctx.issues.push({ code: 'custom', path: [name], input: answers[name], params: { rule: 'unknown_field' } });
        }
      }
      return out;
    }),
  );
}
