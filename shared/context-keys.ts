/**
 * @module What the widget reads from the page into a lead, named in a module of its own without
 * zod: the page context (UTM and click ids from the URL), the consent tokens that consent-capture
 * scripts leave on the page, and the size of the consent snapshot. The widget needs only these
 * names and limits, and an npm consumer's bundler (esbuild keeps module-level schema calls) then
 * never pulls in the lead's schemas.
 */
/** The context a lead takes from its page's URL, by query parameter (the page and referrer come whole). */
export const URL_CONTEXT_KEYS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'gclid',
  'fbclid',
] as const;

/**
 * The consent tokens a lead may carry, each named as the hidden input its vendor's script writes into
 * the partner's page (found by id or name), whose value the widget reads at submit:
 * - TrustedForm's script adds `<input type="hidden" name="xxTrustedFormCertUrl" id="xxTrustedFormCertUrl_0">`
 *   with the certificate URL.
 * - Jornaya's script fills `<input type="hidden" id="leadid_token">` (named `leadid_token` or
 *   `universal_leadid`) with the LeadiD.
 * What a genuine one looks like is the relay's to check (shared/lead.ts).
 */
export const CONSENT_TOKEN_KEYS = ['xxTrustedFormCertUrl', 'leadid_token'] as const;
export type ConsentTokenKey = (typeof CONSENT_TOKEN_KEYS)[number];

/**
 * The longest consent snapshot (the consent section's markup, in UTF-16 code units) a lead may carry:
 * room for a form's consents or a page of offers with their full texts, and far inside the body limit.
 */
export const CONSENT_MARKUP_MAX_LENGTH = 8192;
