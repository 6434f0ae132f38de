/**
 * @module The page context a lead carries (UTM and click ids, the page and its referrer), named
 * in a module of its own without zod: the widget needs only the names, and an npm consumer's
 * bundler (esbuild keeps module-level schema calls) then never pulls in the lead's schemas.
 */
export const CONTEXT_KEYS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'gclid',
  'fbclid',
  'pageUrl',
  'referrer',
] as const;
