/**
 * @module Phone numbers read into E.164, the form every provider adapter starts from. This is the
 * lenient check, small on purpose: the widget runs it as the consumer types, from what the relay
 * tells it about each country a field takes (a `PhonePlan`, worked out by libphonenumber-js). The
 * relay then runs the library's exact check on the number read here (see `buildFieldsSchema` in fields-schema.ts), so
 * the widget never refuses a number the relay takes.
 */

/** How the numbers of a country are read. The relay works each out with libphonenumber-js. */
export interface PhonePlan {
  /** ISO 3166-1 alpha-2, e.g. "IN". */
  country: string;
  /** The calling code, e.g. "91". */
  code: string;
  /** The trunk prefix dialled before a national number ("0"; "1" in the US), or "". */
  trunk: string;
  /**
   * A pattern that every valid national number of the calling code matches: the library's general
   * pattern of each country that shares the code (a GB field takes Jersey's +44 numbers too).
   */
  shape: string;
}

/** The two countries fields had before the relay worked plans out, for a field it did not fill. */
export const BUILT_IN_PLANS: Record<string, PhonePlan> = {
  GB: { country: 'GB', code: '44', trunk: '0', shape: '[1-357-9]\\d{9}|[18]\\d{8}|8\\d{6}' },
  US: { country: 'US', code: '1', trunk: '1', shape: '[2-9]\\d{9}|3\\d{6}' },
};

/**
 * Returns the E.164 form of `input`, or undefined when it cannot be a number of these plans. A
 * number with its `+` (or `00`) code is read by the plan of that code; one without, by `country`'s
 * plan (default: the first). Its trunk prefix goes, also after a code ("+44 (0)20 …").
 */
export function toE164(input: string, plans: readonly PhonePlan[], country?: string): string | undefined {
  const [, plus, digits = ''] = /^(\+|00)?(\d+)$/.exec(input.replace(/[\s().-]/g, '')) ?? [];
  const plan = plus
    ? plans.find((p) => digits.startsWith(p.code))
    : (plans.find((p) => p.country === country) ?? plans[0]);
  if (!plan) return undefined;
  const shape = new RegExp(`^(?:${plan.shape})$`);
  let national = plus ? digits.slice(plan.code.length) : digits;
  const untrunked = national.slice(plan.trunk.length);
  if (national.startsWith(plan.trunk) && shape.test(untrunked)) national = untrunked;
  return shape.test(national) ? `+${plan.code}${national}` : undefined;
}
