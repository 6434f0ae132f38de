/**
 * @module LeadExec's ping → offers → consent → post, inline: pings with the answers, shows the
 * offers (in light DOM, see screens/offers-screen.ts), lets the consumer go back and change an
 * answer (which pings again), and posts the chosen offers with the session.
 */
import { type ReactiveController, render } from 'lit';
import type { PublicForm } from '../../shared/form.ts';
import type { Offer, PingRequest, PostRequest } from '../../shared/ping-post.ts';
import { snapshot } from '../consent-snapshot.ts';
import { LeadOfferAcceptEvent, LeadOffersEvent } from '../events.ts';
import type { LeadCapture } from '../lead-capture.ts';
import { pingOffers, postOffers, withRetries } from '../relay-client.ts';
import { OFFERS_STYLE, offersScreen } from '../screens/offers-screen.ts';
import type { FormController } from './form-controller.ts';

/** The offers of one ping session and what the consumer has chosen so far. */
interface Session {
  sessionId: string;
  offers: readonly Offer[];
  chosen: ReadonlySet<string>;
  none: boolean;
  sending: boolean;
  notice: string;
}

/**
 * The light-DOM block's styles, adopted by the document once: a constructed style sheet (Lit's, made
 * once), not a `<style>` element, so a page whose Content-Security-Policy forbids inline styles
 * still styles it.
 */
function adoptOffersStyles(root: Document | ShadowRoot): void {
  const sheet = OFFERS_STYLE.styleSheet;
  if (sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

export class OffersController implements ReactiveController {
  #session: Session | undefined;
  /** The light-DOM home of the offers block. */
  #block: HTMLElement | undefined;
  #focusHeading = false;
  readonly #host: LeadCapture;
  readonly #form: FormController;

  constructor(host: LeadCapture, form: FormController) {
    this.#host = host;
    this.#form = form;
    host.addController(this);
  }

  /** A ping/post form asks for offers where a plain form would send its lead. */
  ping(definition: PublicForm): Promise<void> {
    return this.#ping(definition, '');
  }

  /** Asks the relay for offers; with none to show, the form's fallback decides what happens. */
  async #ping(definition: PublicForm, notice: string): Promise<void> {
    const request: PingRequest = { fields: this.#form.normalisedValues(definition), context: this.#form.context() };
    const result = await pingOffers(this.#form.relay, definition.id, request);
    if (!result.ok) return this.#form.fail(result.error);
    const { offers, sessionId, willAccept, fallback } = result.value;
    if (willAccept && offers.length > 0) {
      this.#session = { sessionId, offers, chosen: new Set(), none: false, sending: false, notice };
      this.#focusHeading = true;
      this.#form.show('offers');
      this.#host.dispatchEvent(new LeadOffersEvent({ offers }));
    } else if (fallback === 'no_match') {
      this.#form.noMatch();
    } else {
      await this.#form.sendLead(definition);
    }
  }

  #update(patch: Partial<Session>): void {
    if (this.#session) this.#session = { ...this.#session, ...patch };
    this.#host.requestUpdate();
  }

  #onToggle = (offerId: string, chosen: boolean): void => {
    const next = new Set(this.#session?.chosen);
    if (chosen) next.add(offerId);
    else next.delete(offerId);
    this.#update({ chosen: next });
  };

  #onNone = (none: boolean): void => {
    this.#update(none ? { none, chosen: new Set() } : { none });
  };

  /** Back to the last step with every answer kept; submitting it again pings again. */
  #onChange = (): void => {
    this.#session = undefined;
    this.#form.goTo((this.#form.definition?.steps.length ?? 1) - 1);
  };

  #onSubmit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const definition = this.#form.definition;
    const session = this.#session;
    if (!definition || !session || session.sending) return;
    const offerIds = [...session.chosen];
    this.#update({ sending: true });
    this.#host.dispatchEvent(new LeadOfferAcceptEvent({ offerIds }));
    const request: PostRequest = {
      // What the consumer consented with: the form's own consents, then the offers as on screen.
      ...this.#form.lead(definition, this.#form.consentShown + snapshot(this.#host, '.lc-offers')),
      offerIds,
    };
    const result = await withRetries(() => postOffers(this.#form.relay, definition.id, session.sessionId, request));
    if (result.ok) {
      this.#session = undefined;
      this.#form.succeed(result.value, result.value.redirectUrl);
    } else if (result.error.code === 'order_expired' || result.error.code === 'session_not_found') {
      // The order ran out, or the relay no longer opens the session (its secret was rotated): offers anew.
      await this.#ping(definition, this.#form.strings.offersRefreshed);
    } else {
      this.#session = undefined;
      this.#form.fail(result.error);
    }
  };

  hostUpdated(): void {
    const session = this.#session;
    if (this.#form.phase !== 'offers' || !session) {
      this.#block?.remove();
      this.#block = undefined;
      return;
    }
    if (!this.#block) {
      adoptOffersStyles(this.#host.getRootNode() as Document | ShadowRoot);
      this.#block = document.createElement('div');
      this.#block.className = 'lc-offers';
      this.#block.slot = 'offers';
      this.#host.append(this.#block);
    }
    render(
      offersScreen({
        ...session,
        allowNone: this.#form.definition?.allowNoOffer === true,
        strings: this.#form.strings,
        onToggle: this.#onToggle,
        onNone: this.#onNone,
        onChange: this.#onChange,
        onSubmit: this.#onSubmit,
      }),
      this.#block,
    );
    if (this.#focusHeading) {
      this.#focusHeading = false;
      this.#block.querySelector<HTMLElement>('#lc-offers-title')?.focus();
    }
  }
}
