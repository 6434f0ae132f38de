import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { toApiIssues } from '../../shared/errors.ts';
import { checkField, EMAIL } from '../../shared/fields.ts';
import { buildFieldsSchema } from '../../shared/fields-schema.ts';
import type { FieldDefinition } from '../../shared/form.ts';

const fields: FieldDefinition[] = [
  { name: 'name', type: 'text', label: 'Name', required: true, maxLength: 10 },
  { name: 'email', type: 'email', label: 'Email', required: false },
  { name: 'phone', type: 'tel', label: 'Phone', required: false },
  { name: 'size', type: 'select', label: 'Size', required: false, options: [{ value: 's', label: 'Small' }] },
  { name: 'agree', type: 'checkbox', label: 'Agree', required: true },
];
const schema = buildFieldsSchema(fields);

function issuesOf(input: unknown) {
  const result = schema.safeParse(input);
  return result.success ? [] : toApiIssues(result.error.issues, input, ['fields']);
}

describe('the fields schema', () => {
  it('trims, normalises phones to E.164 and drops blanks', () => {
    expect(schema.parse({ name: '  Ada ', phone: '07840 258823', email: '', agree: true })).toEqual({
      name: 'Ada',
      phone: '+447840258823',
      agree: true,
    });
  });

  it('names the rule for each problem', () => {
    expect(issuesOf({ name: 'x'.repeat(11), email: 'nope', phone: '123', size: 'xl' })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'fields.name', rule: 'max_length', limit: 10 }),
        expect.objectContaining({ path: 'fields.email', rule: 'email' }),
        expect.objectContaining({ path: 'fields.phone', rule: 'phone' }),
        expect.objectContaining({ path: 'fields.size', rule: 'option' }),
        expect.objectContaining({ path: 'fields.agree', rule: 'required' }),
      ]),
    );
  });

  it('treats whitespace as missing, so the rule is "required"', () => {
    expect(issuesOf({ name: '   ', agree: true })).toEqual([
      expect.objectContaining({ path: 'fields.name', rule: 'required' }),
    ]);
  });

  it('refuses CR/LF and bidirectional overrides in a one-line field', () => {
    expect(issuesOf({ name: 'A\r\nB: 1', agree: true })).toEqual([
      expect.objectContaining({ path: 'fields.name', rule: 'format' }),
    ]);
    expect(issuesOf({ name: 'ab\u202ecd', agree: true })).toEqual([
      expect.objectContaining({ path: 'fields.name', rule: 'format' }),
    ]);
  });

  it('refuses a number where text belongs', () => {
    expect(issuesOf({ name: 42, agree: true })).toEqual([
      expect.objectContaining({ path: 'fields.name', rule: 'type' }),
    ]);
  });

  // Each of these shows nothing: Hangul fillers, the blank braille cell, invisible ASCII in tag
  // characters, direction marks, the function application, Mongolian vowel separator, combining
  // grapheme joiner, soft hyphen, a variation selector, the zero-width joiner.
  const blanks = [
    '\u3164',
    '\u2800',
    '\u115f',
    '\uffa0',
    '\u{e0041}\u{e0064}\u{e0061}',
    '\u200e',
    '\u200f',
    '\u061c',
    '\u2061',
    '\u180e',
    '\u034f',
    '\u00ad',
    '\ufe0f',
    '\u200d',
    ' \u3164\u2800 \u200e ',
  ];

  it.for(blanks)('reads %j, which shows nothing, as a required answer not given', (blank) => {
    expect(issuesOf({ name: blank, agree: true })).toEqual([
      { path: 'fields.name', rule: 'required', message: 'This field is required' },
    ]);
    expect(schema.parse({ name: 'Ada', email: blank, agree: true })).toEqual({ name: 'Ada', agree: true });
  });

  it.for([
    ['a direction mark', 'Ada\u200f'],
    ['a soft hyphen', 'Lo\u00advelace'],
    ['a Hangul filler', 'Ada\u3164'],
    ['invisible ASCII in tag characters', 'Ada\u{e0049}\u{e0047}'],
    ['a Mongolian vowel separator', 'Ada\u180e'],
    ['a combining grapheme joiner', 'A\u034fda'],
    ['two variation selectors in a row (hidden data)', 'A\ufe0f\ufe0e'],
    ['a variation selector with nothing before it', '\ufe0fAda'],
  ])('refuses %s inside visible text, which only the relay checks', ([, text = '']) => {
    expect(issuesOf({ name: text, agree: true })).toEqual([
      expect.objectContaining({ path: 'fields.name', rule: 'format' }),
    ]);
  });

  it.for([
    ['a joiner in an emoji', '👩\u200d💻'],
    ['a non-joiner in Persian', 'می\u200cخواهم'],
    ['a variation selector after a heart', 'I \u2764\ufe0f it'],
    ['an ideographic variation selector after a kanji', '葛\u{e0100}西'],
    ['the flag of Scotland', 'Go \u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}'],
    ['a braille blank between braille cells', '\u2801\u2800\u2803'],
  ])('keeps %s', ([, text = '']) => {
    const long = buildFieldsSchema([{ name: 'note', type: 'textarea', label: 'Note', required: true }]);
    expect(long.parse({ note: text })).toEqual({ note: text });
  });

  it('checks a postcode before raising it: "ß" is not "SS", nor "ı" an "I"', () => {
    const postcode = buildFieldsSchema([{ name: 'pc', type: 'postcode', label: 'Postcode', required: true }]);
    expect(postcode.parse({ pc: ' sw1a 1aa ' })).toEqual({ pc: 'SW1A 1AA' });
    for (const pc of ['ßw1a 1aa', 'sw1a 1ıa', 'ﬀ1 1aa']) {
      expect(postcode.safeParse({ pc }).success, pc).toBe(false);
    }
  });
});

describe('checkField, the check the widget runs as the consumer types', () => {
  const [name, email, phone, size, agree] = fields as [
    FieldDefinition,
    FieldDefinition,
    FieldDefinition,
    FieldDefinition,
    FieldDefinition,
  ];

  it('gives the value the relay stores', () => {
    expect(checkField(name, '  Ada\u0301 ')).toEqual({ ok: true, value: 'Ad\u00e1' });
    expect(checkField(phone, '+44 (0)7840 258823')).toEqual({ ok: true, value: '+447840258823' });
    expect(checkField(agree, true)).toEqual({ ok: true, value: true });
  });

  it('counts characters, not UTF-16 units, against the limit', () => {
    expect(checkField(name, '😀'.repeat(10))).toEqual({ ok: true, value: '😀'.repeat(10) });
    expect(checkField(name, '😀'.repeat(11))).toEqual({ ok: false, issue: { rule: 'max_length', limit: 10 } });
  });

  it('reads blanks and unticked boxes as missing', () => {
    expect(checkField(email, ' ')).toEqual({ ok: true, value: undefined });
    expect(checkField(agree, false)).toEqual({ ok: false, issue: { rule: 'required' } });
  });

  it('names the rule a bad answer breaks', () => {
    expect(checkField(email, 'ada@')).toEqual({ ok: false, issue: { rule: 'email' } });
    expect(checkField(size, 'xl')).toEqual({ ok: false, issue: { rule: 'option' } });
    expect(checkField(agree, 'yes')).toEqual({ ok: false, issue: { rule: 'type' } });
    expect(checkField({ name: 'pc', type: 'postcode', label: 'Postcode', required: true }, 'sw1a-1aa')).toEqual({
      ok: false,
      issue: { rule: 'format' },
    });
  });

  it('gives the relay the same value or the same rule for every answer', () => {
    const answers = [
      '',
      ' Ada ',
      '\u3164\u2800',
      'x'.repeat(11),
      'a\nb',
      'ada@example.com',
      '07840 258823',
      '123',
      's',
      42,
      true,
    ];
    for (const field of fields) {
      const relay = buildFieldsSchema([field]);
      for (const answer of answers) {
        const own = checkField(field, answer);
        const result = relay.safeParse({ [field.name]: answer });
        if (own.ok) expect(result.success && result.data[field.name]).toEqual(own.value);
        else
          expect(result.success ? [] : toApiIssues(result.error.issues, {})).toEqual([
            expect.objectContaining({ path: field.name, ...own.issue }),
          ]);
      }
    }
  });
});

describe('the email rule', () => {
  it('is zod’s own email pattern, written out so the widget ships no zod', () => {
    // The same pattern, but for the escapes of "-" at the end of a class, which the linter drops.
    expect(EMAIL.source).toBe(z.regexes.email.source.replaceAll('\\-]', '-]'));
    expect(EMAIL.flags).toBe(z.regexes.email.flags);
  });
});
