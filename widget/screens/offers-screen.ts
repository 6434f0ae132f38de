/**
 * @module The offers screen of the ping/post flow: each offer LeadExec returned, with its consent
 * text in full, one unticked checkbox per seller, and submit once the consumer has chosen at least
 * one seller (or, where the form allows, explicitly none).
 *
 * It is rendered into the element's light DOM (slot "offers"), not its shadow root: consent-capture
 * scripts such as TrustedForm and Jornaya read the page's DOM, and the `data-tf-element-role`
 * attributes tell TrustedForm which text is the offer, the consent language, the advertiser and
 * the submit button. The price of that choice: page styles can reach this block, so its own styles
 * are scoped under `lead-capture > .lc-offers` (nested rules) and kept plain; the `--lc-*` colours
 * set on the element reach it by inheritance, so it follows the theme.
 */
import { html, nothing, type TemplateResult, unsafeCSS } from 'lit';
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
  onChange: () => void;
  onSubmit: (e: Event) => void;
}

/**
 * Styles for the light-DOM block; every selector is scoped to the element's own child. A literal
 * given to Lit's unsafeCSS (see styles.ts), so the build compacts it and Lit makes the constructed
 * style sheet the document adopts.
 */
export const OFFERS_STYLE = unsafeCSS(`lead-capture>.lc-offers{display:block;font:inherit;
fieldset{border:0;margin:0;padding:0}
.lc-visually-hidden{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden;white-space:nowrap}
.lc-offer{border:1px solid var(--lc-color-border);border-radius:var(--lc-radius);padding:.75rem;margin:0 0 .75rem}
.lc-offer label{display:flex;gap:.5rem;align-items:flex-start;font-weight:600}
.lc-consent{font-size:.875em;margin:.5rem 0 0}
h3{font-size:1.125em;margin:0 0 .5rem}
.lc-actions{display:flex;gap:.5rem;justify-content:space-between;flex-wrap:wrap}
button{font:inherit;font-weight:600;border-radius:var(--lc-radius);padding:.625rem 1.25rem;cursor:pointer;border:1px solid var(--lc-color-primary);background:var(--lc-color-primary);color:var(--lc-color-on-primary)}
.lc-secondary{background:none;color:var(--lc-color-primary)}
[disabled]{opacity:.6;cursor:not-allowed}
:focus-visible{outline:3px solid var(--lc-color-focus);outline-offset:2px}}`);

/** The relay already keeps only http(s) links; checked again here because they land in the page's DOM. */
function web(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url : undefined;
}

function link(url: string, text: string): TemplateResult | typeof nothing {
  const safe = web(url);
  return safe ? html`<a href=${safe} target="_blank" rel="noopener">${text}</a>` : nothing;
}

export function offersScreen(p: OffersScreenProps): TemplateResult {
  const { strings } = p;
  const ready = p.chosen.size > 0 || (p.allowNone && p.none);
  return html`<form novalidate @submit=${p.onSubmit} aria-labelledby="lc-offers-title">
      <h3 id="lc-offers-title" tabindex="-1">${strings.offersTitle}</h3>
      <p>${strings.offersIntro}</p>
      <fieldset>
        <legend class="lc-visually-hidden">${strings.offersTitle}</legend>
        ${p.offers.map((offer) => {
          const id = `lc-offer-${offer.offerId}`;
          // Bound as attribute too, so the consent snapshot shows the tick (consent-snapshot.ts).
          const chosen = p.chosen.has(offer.offerId);
          const cost = offer.price > 0 ? strings.price(offer.price) : '';
          const details = link(offer.url, strings.offerDetails);
          const privacy = link(offer.tcpa.privacyUrl, strings.privacy);
          const terms = link(offer.tcpa.termsUrl, strings.terms);
          return html`<div class="lc-offer" data-tf-element-role="offer">
            <label for=${id}>
              <input
                id=${id}
                type="checkbox"
                .checked=${chosen}
                ?checked=${chosen}
                ?disabled=${p.none}
                aria-describedby="${id}-consent"
                @change=${(e: Event) => p.onToggle(offer.offerId, (e.target as HTMLInputElement).checked)}
              />
              <span><span data-tf-element-role="consent-advertiser-name">${offer.companyName}</span>: ${offer.name}</span>
            </label>
            <p>${offer.description}</p>
            ${cost || details !== nothing ? html`<p>${cost}${cost && details !== nothing ? ' · ' : ''}${details}</p>` : nothing}
            <p id="${id}-consent" class="lc-consent" data-tf-element-role="consent-language">${offer.tcpa.text}
              ${privacy}${privacy !== nothing && terms !== nothing ? ' · ' : ''}${terms}
            </p>
          </div>`;
        })}
        ${
          p.allowNone
            ? html`<label class="lc-none"><input type="checkbox" .checked=${p.none} ?checked=${p.none}
                @change=${(e: Event) => p.onNone((e.target as HTMLInputElement).checked)} /> ${strings.noOffer}</label>`
            : nothing
        }
      </fieldset>
      <p role="status" aria-live="polite">${p.notice}</p>
      <div class="lc-actions">
        <button type="button" class="lc-secondary" ?disabled=${p.sending} @click=${p.onChange}>${strings.offersChange}</button>
        <button type="submit" data-tf-element-role="submit" ?disabled=${!ready || p.sending} aria-busy=${p.sending}>
          ${p.sending ? strings.sending : strings.offersSubmit}
        </button>
      </div>
    </form>`;
}
