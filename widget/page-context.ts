/**
 * @module What the widget reads from the page it sits on: UTM and click ids, the page URL and
 * referrer, the consent tokens of TrustedForm and Jornaya (the lead's `context`), and prefills from
 * `?lc_<name>=` in the URL.
 */
import { CONSENT_TOKEN_KEYS, URL_CONTEXT_KEYS } from '../shared/context-keys.ts';
import type { LeadContext } from '../shared/lead.ts';

const MAX = 2000;

export function captureContext(location: Location, referrer: string): LeadContext {
  const params = new URLSearchParams(location.search);
  const context: Record<string, string> = {};
  const keep = (key: string, value: string | null | undefined) => {
    if (value) context[key] = value.slice(0, MAX);
  };
  keep('pageUrl', location.href);
  keep('referrer', referrer);
  for (const key of URL_CONTEXT_KEYS) keep(key, params.get(key));
  // What TrustedForm's or Jornaya's script wrote into the page by now (the relay checks its shape).
  for (const key of CONSENT_TOKEN_KEYS)
    keep(key, document.querySelector<HTMLInputElement>(`#${key},[name=${key}]`)?.value);
  return context;
}

/** `?lc_email=a@b.c` prefills the field `email`. */
export function urlPrefill(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(search)) {
    if (key.startsWith('lc_') && key.length > 3) out[key.slice(3)] = value;
  }
  return out;
}

/** `data-field-email="a@b.c"` on the element (or the script tag, copied over) prefills `email`. */
export function attributePrefill(element: Element): Record<string, string> {
  const out: Record<string, string> = {};
  for (const attr of Array.from(element.attributes)) {
    if (attr.name.startsWith('data-field-')) {
      const name = attr.name.slice('data-field-'.length).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      out[name] = attr.value;
    }
  }
  return out;
}
