/**
 * @module What the element tells others about its use, read off its own events and its first
 * input. The relay's funnel (`POST /v1/forms/:formId/events`): fire and forget with
 * `navigator.sendBeacon` (plain text, so no preflight: the consumer never waits), and nothing
 * personal: a type, the step, an error's code, how many offers. Google Tag Manager's
 * `window.dataLayer`, with the `datalayer` attribute: `lead_submit`, `lead_success` and
 * `lead_error` with the event's detail.
 */
import type { LeadContext } from '../shared/lead.ts';

/** Each `lead-<name>` event, and the funnel type it counts as when that is another name. */
const TYPES = 'ready:view step submit success error offers:offers_shown offer-accept:offers_chosen';

interface Detail {
  step?: number;
  code?: string;
  offers?: unknown[];
  offerIds?: unknown[];
}

export function reportUse(
  host: HTMLElement & { form: string; dataLayer: boolean },
  answers: { relay: string; context(): LeadContext },
): void {
  let reached = 0;
  const send = (event: object): void => {
    navigator.sendBeacon?.(
      // The form id goes as the page gave it: the relay serves only ids of [a-z0-9-].
      `${answers.relay}/v1/forms/${host.form}/events`,
      JSON.stringify({ events: [{ ...event, at: Date.now() }], utm_source: answers.context().utm_source }),
    );
  };
  for (const pair of TYPES.split(' ')) {
    const [name = '', type = name] = pair.split(':');
    host.addEventListener(`lead-${name}`, (event) => {
      const detail = (event as Event & { detail: Detail }).detail;
      const { step } = detail;
      // A step counts once, the first time it is reached; going back reaches nothing new.
      if ((step as number) <= reached) return;
      reached = step ?? reached;
      send({ type, step, code: detail.code, count: (detail.offers ?? detail.offerIds)?.length });
      if (host.dataLayer && 'submit success error'.includes(type)) {
        const page = window as { dataLayer?: unknown[] };
        page.dataLayer ??= [];
        page.dataLayer.push({ event: `lead_${type}`, leadForm: host.form, ...detail });
      }
    });
  }
  host.addEventListener('input', () => send({ type: 'start' }), { once: true });
}
