import { describe, expect, it } from 'vitest';
import { demoForms } from '../../../edge/forms/demo.ts';
import { forms, publicForm } from '../../../edge/forms/index.ts';
import { parseForms } from '../../../edge/forms/schema.ts';

const base = demoForms[0] as (typeof demoForms)[number];

describe('form configuration', () => {
  it('loads every demo form', () => {
    expect([...forms.keys()]).toContain('demo-takepayments');
  });

  it('names the path and rule of a bad field type', () => {
    const bad = { ...base, fields: [{ ...base.fields[0], type: 'colour' }, ...base.fields.slice(1)] };
    expect(() => parseForms([bad])).toThrow(/form "demo-takepayments".*fields\.0\.type/);
  });

  it('refuses a field named like a property every object has', () => {
    const bad = { ...base, fields: [{ ...base.fields[0], name: 'constructor' }, ...base.fields.slice(1)] };
    expect(() => parseForms([bad])).toThrow(/fields\.0\.name: a name every object already has/);
  });

  it('refuses an origin with a path', () => {
    expect(() => parseForms([{ ...base, allowedOrigins: ['https://shop.example/page'] }])).toThrow(
      /allowedOrigins\.0: an origin such as https:\/\/example\.com, no path/,
    );
  });

  it('refuses a destination whose provider needs a field the form does not require', () => {
    const fields = base.fields.map((f) => (f.name === 'email' ? { ...f, required: false } : f));
    expect(() => parseForms([{ ...base, fields }])).toThrow(
      /destinations\.0: takepayments needs a required field "email"/,
    );
  });

  it('refuses an unknown provider', () => {
    expect(() => parseForms([{ ...base, destinations: [{ provider: 'carrier-pigeon', options: {} }] }])).toThrow(
      /destinations\.0/,
    );
  });

  it('refuses a step naming a field that does not exist', () => {
    expect(() => parseForms([{ ...base, steps: [{ title: 'One', fields: ['firstName', 'shoeSize'] }] }])).toThrow(
      /steps\.0\.fields\.1: no field named "shoeSize"/,
    );
  });

  it('changes textsVersion when a consent text changes', () => {
    const [a, b] = parseForms([
      base,
      { ...base, consents: [{ name: 'contact', text: 'Other words.', required: true }] },
    ]);
    expect(a && publicForm(a).textsVersion).not.toBe(b && publicForm(b).textsVersion);
  });
});
