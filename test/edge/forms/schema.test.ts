import { describe, expect, it } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import { forms, publicForm } from '../../../edge/forms/index.ts';
import { parseForms } from '../../../edge/forms/schema.ts';

const base = demoForms[0] as (typeof demoForms)[number];

describe('form configuration', () => {
  it('loads every demo form', () => {
    expect([...forms.keys()]).toContain('demo-takepayments');
  });

  it('names the path and rule of a bad field type', () => {
    const bad = { ...base, fields: [{ ...base.fields[0], type: 'colour' }, ...base.fields.slice(1)] };
    expect(() => parseForms([bad])).toThrow(/demo-takepayments\.json: fields\.0\.type: .* \(rule: invalid_value\)/);
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
      { ...base, id: 'other-words', consents: [{ name: 'contact', text: 'Other words.', required: true }] },
    ]);
    expect(a && publicForm(a).textsVersion).not.toBe(b && publicForm(b).textsVersion);
  });
});

describe('phone fields in a form configuration', () => {
  const cap = demoForms.find((form) => form.id === 'demo-cap') as (typeof demoForms)[number];
  const withPhone = (form: (typeof demoForms)[number], phone: Record<string, unknown>) => ({
    ...form,
    fields: form.fields.map((f) => (f.name === 'phone' ? { ...f, country: undefined, ...phone } : f)),
  });

  it('keeps `country` as the one country a field takes, and fills in how the widget reads it', () => {
    const [form] = parseForms([withPhone(cap, { country: 'GB' })]);
    const phone = form?.fields.find((f) => f.name === 'phone');
    expect(phone).toMatchObject({
      countries: ['GB'],
      country: 'GB',
      plans: [{ country: 'GB', code: '44', trunk: '0' }],
    });
  });

  it('serves demo-getlead’s phone field with UK and Indian plans, UK first', () => {
    const getlead = forms.get('demo-getlead');
    const phone = getlead && publicForm(getlead).fields.find((f) => f.name === 'phone');
    expect(phone).toMatchObject({
      countries: ['GB', 'IN'],
      country: 'GB',
      plans: [
        { country: 'GB', code: '44', trunk: '0' },
        { country: 'IN', code: '91', trunk: '0' },
      ],
    });
  });

  it('refuses a country the phone library does not know', () => {
    const getlead = demoForms.find((form) => form.id === 'demo-getlead') as (typeof demoForms)[number];
    expect(() => parseForms([withPhone(getlead, { countries: ['GB', 'XX'] })])).toThrow(
      /fields\.3\.countries: no phone numbering plan for XX/,
    );
    expect(() => parseForms([withPhone(cap, { country: 'ZZ' })])).toThrow(
      /fields\.3\.country: no phone numbering plan for ZZ/,
    );
  });

  it('refuses a default country that is not one of the countries', () => {
    expect(() => parseForms([withPhone(cap, { countries: ['GB', 'IE'], country: 'IN' })])).toThrow(
      /fields\.3\.country: "IN" is not one of the countries/,
    );
  });

  it('refuses at start-up a CAP form whose phone field takes non-UK numbers', () => {
    expect(() => parseForms([withPhone(cap, { countries: ['GB', 'IN'] })])).toThrow(
      /destinations\.0: cap takes phone numbers of GB \(\+44\) only, and field "phone" takes IN \(\+91\)/,
    );
    expect(() => parseForms([withPhone(cap, { country: 'US' })])).toThrow(/field "phone" takes US \(\+1\)/);
  });

  it('lets a CAP form take the numbers that share +44', () => {
    expect(() => parseForms([withPhone(cap, { countries: ['GB', 'JE', 'GG', 'IM'] })])).not.toThrow();
  });
});
