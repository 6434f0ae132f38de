import { describe, expect, it } from 'vitest';
import { toApiIssues } from '../../shared/errors.ts';
import { buildFieldsSchema, checkField } from '../../shared/fields.ts';
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
    const answers = ['', ' Ada ', 'x'.repeat(11), 'a\nb', 'ada@example.com', '07840 258823', '123', 's', 42, true];
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
