/**
 * @module The offers screen of the ping/post flow: each offer LeadExec returned, with its consent
 * text in full, one unticked checkbox per seller, and submit once the consumer has chosen at least
 * one seller (or, where the form allows, explicitly none).
 *
 * It is rendered into the element's light DOM (slot "offers"), not its shadow root: consent-capture
 * scripts such as TrustedForm and Jornaya read the page's DOM, and the `data-tf-element-role`
 * attributes tell TrustedForm which text is the offer, the consent language, the advertiser and
 * the submit button. The price of that choice: page styles can reach this block, so its own styles
 * are scoped under `lead-capture > .lc-offers` and kept plain.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Offer } from '../../shared/ping-post.ts';
import type { Strings } from '../locales.ts';

export interface OffersScreenProps {
  offers: readonly Offer[];
  chosen: ReadonlySet<string>;
  none: boolean;
  allowNone: boolean;
  sending: boolean;
  notice: string;
  strings: Strings;
  onToggle: (offerId: string, chosen: boolean) => void;
  onNone: (none: boolean) => void;
  onSubmit: (e: Event) => void;
}

/** Styles for the light-DOM block; every selector is scoped to the element's own child. */
export const OFFERS_STYLE = `lead-capture>.lc-offers{display:block;font:inherit}
lead-capture>.lc-offers fieldset{border:0;margin:0;padding:0}
lead-capture>.lc-offers .lc-visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
lead-capture>.lc-offers .lc-offer{border:1px solid #8c959f;border-radius:6px;padding:.75rem;margin:0 0 .75rem}
lead-capture>.lc-offers .lc-offer label{display:flex;gap:.5rem;align-items:flex-start;font-weight:600}
lead-capture>.lc-offers .lc-consent{font-size:.875em;margin:.5rem 0 0}
lead-capture>.lc-offers button{font:inherit;font-weight:600;padding:.625rem 1.25rem;border-radius:6px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer}
lead-capture>.lc-offers button[disabled]{opacity:.6;cursor:not-allowed}
lead-capture>.lc-offers :focus-visible{outline:3px solid #0b5cad;outline-offset:2px}`;

/** The relay already keeps only http(s) links; checked again here because they land in the page's DOM. */
function web(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url : undefined;
}

function price(offer: Offer): string {
  return offer.price > 0 ? `${offer.price.toFixed(2)} (${offer.type})` : offer.type;
}

export function offersScreen(p: OffersScreenProps): TemplateResult {
  const { strings } = p;
  const ready = p.chosen.size > 0 || (p.allowNone && p.none);
  return html`<style>${OFFERS_STYLE}</style>
    <form novalidate @submit=${p.onSubmit} aria-labelledby="lc-offers-title">
      <h2 id="lc-offers-title">${strings.offersTitle}</h2>
      <p>${strings.offersIntro}</p>
      <fieldset>
        <legend class="lc-visually-hidden">${strings.offersTitle}</legend>
        ${p.offers.map((offer) => {
          const id = `lc-offer-${offer.offerId}`;
          return html`<div class="lc-offer" data-tf-element-role="offer">
            <label for=${id}>
              <input
                id=${id}
                type="checkbox"
                .checked=${p.chosen.has(offer.offerId)}
                ?disabled=${p.none}
                aria-describedby="${id}-consent"
                @change=${(e: Event) => p.onToggle(offer.offerId, (e.target as HTMLInputElement).checked)}
              />
              <span><span data-tf-element-role="consent-advertiser-name">${offer.companyName}</span>: ${offer.name}</span>
            </label>
            <p>${offer.description}</p>
            <p>${price(offer)}${web(offer.url) ? html` · <a href=${web(offer.url)} target="_blank" rel="noopener">${strings.offerDetails}</a>` : nothing}</p>
            <p id="${id}-consent" class="lc-consent" data-tf-element-role="consent-language">${offer.tcpa.text}
              ${web(offer.tcpa.privacyUrl) ? html`<a href=${web(offer.tcpa.privacyUrl)} target="_blank" rel="noopener">${strings.privacy}</a>` : nothing}
              ${web(offer.tcpa.termsUrl) ? html`<a href=${web(offer.tcpa.termsUrl)} target="_blank" rel="noopener">${strings.terms}</a>` : nothing}
            </p>
          </div>`;
        })}
        ${
          p.allowNone
            ? html`<label class="lc-none"><input type="checkbox" .checked=${p.none}
                @change=${(e: Event) => p.onNone((e.target as HTMLInputElement).checked)} /> ${strings.noOffer}</label>`
            : nothing
        }
      </fieldset>
      <p role="status" aria-live="polite">${p.notice}</p>
      <button type="submit" data-tf-element-role="submit" ?disabled=${!ready || p.sending} aria-busy=${p.sending ? 'true' : 'false'}>
        ${p.sending ? strings.sending : strings.offersSubmit}
      </button>
    </form>`;
}
