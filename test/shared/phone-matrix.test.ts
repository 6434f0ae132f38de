/**
 * Numbers × countries, each through the widget's check (`checkField`: lenient, no library) and the
 * relay's (`buildFieldsSchema`: `checkField`, then libphonenumber-js). The widget must never refuse
 * a number the relay takes, nor read it as another; the relay must give valid numbers in E.164 and
 * refuse impossible ones with the `phone` rule.
 */
import { type CountryCode, getCountries, getExampleNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
// Loading the relay's form schema sets the exact phone check, as the relay does at start-up.
import { phonePlan } from '../../edge/forms/schema.ts';
import { checkField } from '../../shared/fields.ts';
import { buildFieldsSchema } from '../../shared/fields-schema.ts';
import type { FieldDefinition } from '../../shared/form.ts';

/** A tel field taking these countries, reading numbers without a + code as `country`'s. */
function telField(countries: CountryCode[], country = countries[0]): FieldDefinition {
  return {
    name: 'phone',
    type: 'tel',
    label: 'Phone',
    required: true,
    countries,
    country,
    plans: countries.map(phonePlan),
  };
}

type Answer = { ok: true; value: string } | { ok: false; rule: string };

function widgetCheck(field: FieldDefinition, typed: string): Answer {
  const result = checkField(field, typed);
  return result.ok ? { ok: true, value: String(result.value) } : { ok: false, rule: result.issue.rule };
}

function relayCheck(field: FieldDefinition, typed: string): Answer {
  const result = buildFieldsSchema([field]).safeParse({ phone: typed });
  if (result.success) return { ok: true, value: String(result.data.phone) };
  return { ok: false, rule: String((result.error.issues[0] as { params?: { rule?: string } }).params?.rule) };
}

/** Both checks of one typed number; the widget's answer is also what it sends the relay. */
function bothChecks(field: FieldDefinition, typed: string) {
  const widget = widgetCheck(field, typed);
  const relay = relayCheck(field, typed);
  if (relay.ok) {
    // Never refused by the widget, and what the widget sends is read by the relay as the same number.
    expect(widget, `the widget refuses ${typed}, which the relay takes`).toEqual(relay);
  }
  if (widget.ok) expect(relayCheck(field, widget.value)).toEqual(relay);
  return { widget, relay };
}

/** Per country: how people type valid numbers (and the E.164 each is), and numbers no one can have. */
const MATRIX: Record<string, { valid: [string, string][]; impossible: string[] }> = {
  GB: {
    valid: [
      ['07840 258823', '+447840258823'],
      ['07840258823', '+447840258823'],
      ['+44 7840 258823', '+447840258823'],
      ['0044 7840 258823', '+447840258823'],
      ['020 8759 9036', '+442087599036'],
      ['020-8759-9036', '+442087599036'],
      ['+44 (0)20 8759 9036', '+442087599036'],
      ['0121 234 5678', '+441212345678'],
      ['0800 1111', '+448001111'],
      ['07123 456789', '+447123456789'],
      // Jersey and the Isle of Man share +44, and CAP takes their numbers.
      ['01534 612345', '+441534612345'],
      ['+44 7624 123456', '+447624123456'],
    ],
    impossible: [
      '0784025882',
      '07840 2588231',
      '00000 000000',
      '+44 0',
      // Ofcom keeps 07700 900xxx for drama: no one has such a number.
      '07700 900141',
      '+33 1 23 45 67 89',
      '07840 258823 ext 2',
    ],
  },
  US: {
    valid: [
      ['(415) 555-0123', '+14155550123'],
      ['415.555.0123', '+14155550123'],
      ['1 415 555 2671', '+14155552671'],
      ['+1 212 555 0101', '+12125550101'],
      ['202-555-0143', '+12025550143'],
      ['(800) 555-0199', '+18005550199'],
      // Canada shares +1.
      ['+1 (604) 555-0123', '+16045550123'],
    ],
    impossible: ['(015) 555-2671', '(415) 155-0123', '555-0123', '(999) 555-0123', '(311) 555-0123', '+44 7840 258823'],
  },
  IN: {
    valid: [
      ['098950 12345', '+919895012345'],
      ['09895012345', '+919895012345'],
      ['98950 12345', '+919895012345'],
      ['+91 98950 12345', '+919895012345'],
      ['0091 98950 12345', '+919895012345'],
      ['+91 (0)98950 12345', '+919895012345'],
      ['011 2345 6789', '+911123456789'],
      ['080 2345 6789', '+918023456789'],
      ['1800 123 4567', '+9118001234567'],
    ],
    impossible: ['+91 00000 00000', '00000 00000', '012345', '98950 1234', '55555 55555', '+91 98950 123456'],
  },
  DE: {
    valid: [
      ['030 123456', '+4930123456'],
      ['030 12345678', '+493012345678'],
      ['+49 30 12345678', '+493012345678'],
      ['+49 (0)30 12345678', '+493012345678'],
      ['0151 23456789', '+4915123456789'],
      ['0049 151 23456789', '+4915123456789'],
      ['089 1234567', '+49891234567'],
    ],
    impossible: ['+49 0000 000000', '0151 234'],
  },
  FR: {
    valid: [
      ['06 12 34 56 78', '+33612345678'],
      ['06.12.34.56.78', '+33612345678'],
      ['01 23 45 67 89', '+33123456789'],
      ['+33 6 12 34 56 78', '+33612345678'],
      ['+33 (0)6 12 34 56 78', '+33612345678'],
      ['0033 1 23 45 67 89', '+33123456789'],
      ['09 12 34 56 78', '+33912345678'],
    ],
    impossible: ['06 12 34 56', '+33 0 00 00 00 00', '06 12 34 56 78 9'],
  },
  AU: {
    valid: [
      ['0412 345 678', '+61412345678'],
      ['04 1234 5678', '+61412345678'],
      ['+61 412 345 678', '+61412345678'],
      ['(02) 9876 5432', '+61298765432'],
      ['+61 (0)2 9876 5432', '+61298765432'],
      ['(03) 9123 4567', '+61391234567'],
      ['1300 123 456', '+611300123456'],
    ],
    impossible: ['0412 345', '+61 0000 00000', '0012 345 678'],
  },
};

const rows = Object.entries(MATRIX).flatMap(([country, { valid, impossible }]) => [
  ...valid.map(([typed, e164]) => ({ country: country as CountryCode, typed, e164 })),
  ...impossible.map((typed) => ({ country: country as CountryCode, typed, e164: undefined })),
]);

describe('the phone matrix: the widget’s check and the relay’s', () => {
  it.each(rows)('$country: $typed', ({ country, typed, e164 }) => {
    const { widget, relay } = bothChecks(telField([country]), typed);
    expect(relay).toEqual(e164 ? { ok: true, value: e164 } : { ok: false, rule: 'phone' });
    if (e164) expect(widget).toEqual({ ok: true, value: e164 });
  });

  it('refuses, in the widget too, a number of the right length that cannot be Indian', () => {
    expect(bothChecks(telField(['IN']), '+91 00000 00000').widget).toEqual({ ok: false, rule: 'phone' });
  });

  it.each(rows.filter((row) => row.country !== 'GB'))(
    'GB and $country, $country chosen: $typed',
    ({ country, typed, e164 }) => {
      const { relay } = bothChecks(telField(['GB', country], country), typed);
      // A + number of GB's code is taken too; any other number is read as the chosen country's.
      if (!/^\+44|^0044/.test(typed)) {
        expect(relay).toEqual(e164 ? { ok: true, value: e164 } : { ok: false, rule: 'phone' });
      }
    },
  );

  it.each(rows.filter((row) => row.country !== 'GB' && row.e164 && /^(\+|00)/.test(row.typed)))(
    'GB and $country, GB chosen, $country’s number with its code: $typed',
    ({ country, typed, e164 }) => {
      expect(bothChecks(telField(['GB', country]), typed).relay).toEqual({ ok: true, value: e164 });
    },
  );

  it('reads a number typed without its + code as the chosen country’s', () => {
    const field = telField(['GB', 'IN']);
    // 0989 501 2345 is a UK premium-rate number; 098950 12345 an Indian mobile.
    expect(bothChecks(field, '098950 12345').relay).toEqual({ ok: true, value: '+449895012345' });
    expect(bothChecks({ ...field, country: 'IN' }, '098950 12345').relay).toEqual({
      ok: true,
      value: '+919895012345',
    });
    expect(bothChecks({ ...field, country: 'IN' }, '07840 258823').relay).toEqual({
      ok: true,
      value: '+917840258823',
    });
  });
});

/**
 * National forms that need more of the library's rules than a trunk prefix: Argentina's mobile "15"
 * (011 15-2345-6789 is +54 9 11 2345-6789) and Belarus's "8 0". Both checks refuse them alike (the
 * relay reads what the widget reads); typed with the + code, they are taken.
 */
const NATIONAL_FORM_UNREAD = ['AR', 'BY'];

describe('the phone matrix: every country’s own example mobile, typed both ways', () => {
  const countries = getCountries().filter((country) => getExampleNumber(country, examples));

  it('covers every country the library has an example for', () => {
    expect(countries.length).toBeGreaterThan(200);
  });

  it.each(countries)('%s', (country) => {
    const example = getExampleNumber(country, examples);
    if (!example) return;
    const field = telField([country]);
    for (const typed of [example.formatInternational(), example.number]) {
      expect(bothChecks(field, typed).relay, typed).toEqual({ ok: true, value: example.number });
    }
    const national = bothChecks(field, example.formatNational());
    if (NATIONAL_FORM_UNREAD.includes(country)) expect(national.widget.ok).toBe(false);
    else expect(national.relay, example.formatNational()).toEqual({ ok: true, value: example.number });
  });
});
