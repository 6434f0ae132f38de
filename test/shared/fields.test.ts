import { describe, expect, it } from 'vitest';
import { toApiIssues } from '../../shared/errors.ts';
import { buildFieldsSchema, withoutBlanks } from '../../shared/fields.ts';
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
  return result.success ? [] : toApiIssues(result.error.issues, withoutBlanks(input), ['fields']);
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
