import { describe, expect, it } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import { ApiError } from '../../../edge/errors.ts';
import { parseForms } from '../../../edge/forms/schema.ts';
import { checkSubmission } from '../../../edge/intake/checks.ts';

const [form] = parseForms([demoForms[0]]);
const answers = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' };

describe('checkSubmission', () => {
  it('requires the form’s required consents', () => {
    if (!form) throw new Error('no demo form');
    try {
      checkSubmission(form, { fields: answers });
      expect.unreachable('a missing consent must be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).issues).toContainEqual(
        expect.objectContaining({ path: 'consent.contact', rule: 'required' }),
      );
    }
  });

  it('leaves consents to the post when asked to, as a ping is', () => {
    if (!form) throw new Error('no demo form');
    expect(checkSubmission(form, { fields: answers }, { consents: false }).fields).toEqual(answers);
  });
});
