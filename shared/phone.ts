/**
 * @module Phone numbers: checked per country and normalised to E.164, the form every provider
 * adapter starts from. Small on purpose: it runs in the widget as the consumer types.
 */

export type PhoneCountry = 'GB' | 'US';

const NATIONAL: Record<PhoneCountry, { code: string; trunk: string; digits: RegExp }> = {
  // UK numbers are 10 digits after the trunk 0 (a few areas have 9; mobiles, 07, always 10).
  GB: { code: '44', trunk: '0', digits: /^(?:7\d{9}|[1235689]\d{8,9})$/ },
  // NANP: area code and exchange never start with 0 or 1.
  US: { code: '1', trunk: '1', digits: /^[2-9]\d{2}[2-9]\d{6}$/ },
};

/** Returns the E.164 form of `input` for `country`, or undefined when it is not a valid number there. */
export function toE164(input: string, country: PhoneCountry = 'GB'): string | undefined {
  const compact = input.replace(/[\s().-]/g, '');
  if (!/^\+?\d+$/.test(compact)) return undefined;
  const rule = NATIONAL[country];
  let national: string;
  if (compact.startsWith('+')) {
    if (!compact.startsWith(`+${rule.code}`)) return /^\+[1-9]\d{7,14}$/.test(compact) ? compact : undefined;
    national = compact.slice(1 + rule.code.length);
    // "+44 (0)20 …" is common on UK sites.
    if (country === 'GB' && national.startsWith('0')) national = national.slice(1);
  } else if (compact.startsWith('00')) {
    return toE164(`+${compact.slice(2)}`, country);
  } else if (compact.startsWith(rule.trunk) && (country === 'GB' || compact.length === 11)) {
    national = compact.slice(rule.trunk.length);
  } else {
    national = compact;
  }
  return rule.digits.test(national) ? `+${rule.code}${national}` : undefined;
}
