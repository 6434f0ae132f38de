/**
 * @module The widget's own strings per locale. The form's texts come from the relay as they are.
 */
import type { IssueRule } from '../shared/errors.ts';

/** The locales built in; `LeadCapture.defineLocale` adds others. */
export type Locale = 'en-GB' | 'en-US';

export interface Strings {
  loading: string;
  loadFailed: string;
  retry: string;
  submit: string;
  sending: string;
  next: string;
  back: string;
  stepOf: (step: number, steps: number) => string;
  successTitle: string;
  success: string;
  optional: string;
  choose: string;
  /** The name of the country picker beside a phone field of several countries. */
  country: string;
  networkError: string;
  /**
   * The relay answered 5xx to every try. The draft (draft.ts) is in sessionStorage: it lasts through
   * a reload, in this tab only.
   */
  serverError: string;
  fixErrors: (count: number) => string;
  offersTitle: string;
  offersIntro: string;
  offersChange: string;
  price: (amount: number) => string;
  offerDetails: string;
  privacy: string;
  terms: string;
  noOffer: string;
  offersSubmit: string;
  offersRefreshed: string;
  noMatch: string;
  transfer: (agent: string) => string;
  rules: Record<IssueRule, (limit?: number) => string>;
}

const enGB: Strings = {
  loading: 'Loading the form…',
  loadFailed: 'The form could not be loaded.',
  retry: 'Try again',
  submit: 'Submit',
  sending: 'Sending…',
  next: 'Next',
  back: 'Back',
  stepOf: (step, steps) => `Step ${step} of ${steps}`,
  successTitle: 'Thank you',
  success: 'We have received your details.',
  optional: '(optional)',
  choose: 'Choose…',
  country: 'Country',
  networkError: 'We could not reach the server. Your answers are kept; please try again.',
  serverError:
    'Our server could not accept your details just now. Your answers are kept in this tab, even if you reload the page; please try again in a moment.',
  fixErrors: (n) => (n === 1 ? 'Please correct 1 answer.' : `Please correct ${n} answers.`),
  offersTitle: 'Choose who may contact you',
  offersIntro: 'Tick each company you agree to hear from. Read each consent before you tick it.',
  offersChange: 'Change my answers',
  price: (n) => n.toLocaleString('en-GB', { style: 'currency', currency: 'GBP' }),
  offerDetails: 'Details',
  privacy: 'Privacy policy',
  terms: 'Terms',
  noOffer: 'None of these, thank you',
  offersSubmit: 'Send my choice',
  offersRefreshed: 'The offers had expired, so we fetched them again. Please choose again.',
  noMatch: 'Thank you. No company can take your enquiry right now.',
  transfer: (agent) => `${agent} will take your call now:`,
  rules: {
    required: () => 'This field is required',
    max_length: (n) => `Use at most ${n} characters`,
    min_length: (n) => `Use at least ${n} characters`,
    email: () => 'Enter a valid email address, like name@example.com',
    phone: () => 'Enter a valid phone number',
    option: () => 'Choose one of the options',
    type: () => 'This answer has the wrong type',
    unknown_field: () => 'This field is not part of the form',
    format: () => 'This answer has the wrong format',
    invalid: () => 'This answer is not valid',
  },
};

const enUS: Strings = {
  ...enGB,
  success: 'We have received your information.',
  price: (n) => n.toLocaleString('en-US', { style: 'currency', currency: 'USD' }),
  networkError: 'We could not reach the server. Your answers are saved; please try again.',
  serverError:
    'Our server could not accept your information just now. Your answers are saved in this tab, even if you reload the page. Please try again in a moment.',
  fixErrors: (n) => (n === 1 ? 'Please fix 1 answer.' : `Please fix ${n} answers.`),
};

/** A locale a partner adds: any string left out is taken from en-GB. */
export type LocaleStrings = Partial<Omit<Strings, 'rules'>> & { rules?: Partial<Strings['rules']> };

/** A Map, not an object: a tag such as "constructor" must not find Object's own properties. */
const locales = new Map<string, Strings>([
  ['en-GB', enGB],
  ['en-US', enUS],
]);

/** Adds a locale, or changes some strings of one (en-GB and en-US included). */
export function defineLocale(tag: string, strings: LocaleStrings): void {
  const base = locales.get(tag) ?? enGB;
  locales.set(tag, { ...base, ...strings, rules: { ...base.rules, ...strings.rules } });
}

export function stringsFor(locale: string | undefined): Strings {
  return locales.get(locale ?? 'en-GB') ?? enGB;
}
