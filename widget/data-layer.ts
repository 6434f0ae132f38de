/**
 * @module Mirrors the element's submit, success and error events into Google Tag Manager's
 * `window.dataLayer`, under GTM-style names, when the `datalayer` attribute is set.
 */
const GTM_EVENTS: Record<string, string> = {
  'lead-submit': 'lead_submit',
  'lead-success': 'lead_success',
  'lead-error': 'lead_error',
};

export function mirrorToDataLayer(host: HTMLElement & { form: string; dataLayer: boolean }): void {
  const push = (event: Event): void => {
    const gtm = GTM_EVENTS[event.type];
    if (!host.dataLayer || !gtm || event.target !== host) return;
    const page = window as { dataLayer?: unknown[] };
    page.dataLayer ??= [];
    page.dataLayer.push({ event: gtm, leadForm: host.form, ...(event as Event & { detail?: object }).detail });
  };
  for (const type of Object.keys(GTM_EVENTS)) host.addEventListener(type, push);
}
