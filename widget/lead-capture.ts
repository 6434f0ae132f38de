/**
 * @module The `<lead-capture>` element.
 */
import { html, LitElement, type PropertyValues, render, type TemplateResult } from 'lit';
import { checkField } from '../shared/fields.ts';
import type { PublicForm } from '../shared/form.ts';
import type { LeadContext, LeadSubmission } from '../shared/lead.ts';
import type { Offer, PingRequest, PostRequest, PostResponse } from '../shared/ping-post.ts';
import { clearDraft, loadDraft, saveDraft } from './draft.ts';
import {
  LeadErrorEvent,
  LeadOfferAcceptEvent,
  LeadOffersEvent,
  LeadReadyEvent,
  LeadStepEvent,
  LeadSubmitEvent,
  LeadSuccessEvent,
} from './events.ts';
import { defineLocale, type LocaleStrings, type Strings, stringsFor } from './locales.ts';
import { attributePrefill, captureContext, urlPrefill } from './page-context.ts';
import { loadForm, pingOffers, postOffers, type RelayError, type RelayResult, submitLead } from './relay-client.ts';
import { formScreen } from './screens/form-screen.ts';
import { offersScreen } from './screens/offers-screen.ts';
import { loadFailedScreen, loadingScreen, noMatchScreen, successScreen } from './screens/status-screen.ts';
import { styles } from './styles.ts';
import { loadTurnstile, type TurnstileApi } from './turnstile.ts';

type Phase = 'loading' | 'load-error' | 'form' | 'sending' | 'offers' | 'no-match' | 'success';

/** The offers of one ping session and what the consumer has chosen so far. */
interface OffersState {
  sessionId: string;
  offers: readonly Offer[];
  chosen: ReadonlySet<string>;
  none: boolean;
  sending: boolean;
  notice: string;
}

const RETRY_DELAYS_MS = [500, 1500, 4000];

/** Our events that Google Tag Manager hears about, under GTM-style names. */
const GTM_EVENTS: Record<string, string> = {
  'lead-submit': 'lead_submit',
  'lead-success': 'lead_success',
  'lead-error': 'lead_error',
};

/**
 * A lead-capture form that the relay defines: renders its fields, validates as the consumer types,
 * and submits the lead to the relay.
 *
 * @summary Embeddable lead-capture form.
 * @tagname lead-capture
 * @event lead-ready - The form loaded. `detail: { formId }`
 * @event lead-step - The consumer moved to another step. `detail: { step, steps }`
 * @event lead-submit - The consumer submitted. `detail: { formId }`
 * @event lead-success - The relay stored the lead. `detail: { leadId }`
 * @event lead-error - Loading or submitting failed. `detail: { code, message }`
 * @event lead-offers - A ping returned offers to choose from. `detail: { offers }`
 * @event lead-offer-accept - The consumer chose offers and the post is on its way. `detail: { offerIds }`
 * @slot turnstile - Filled by the element itself with Cloudflare Turnstile when the form has a site key.
 * @slot offers - Filled by the element itself with the offers and their consent texts, in light DOM
 * so consent-capture scripts (TrustedForm, Jornaya) can read them.
 * With `datalayer`, submit, success and error are also pushed to `window.dataLayer` as
 * `lead_submit`, `lead_success` and `lead_error`.
 * @csspart form - The form.
 * @csspart title - The form's title.
 * @csspart field - Each field's wrapper (also `field-<name>`).
 * @csspart label - Each label.
 * @csspart input - Text-like inputs.
 * @csspart select - Selects.
 * @csspart textarea - Text areas.
 * @csspart checkbox - Checkboxes.
 * @csspart consent - Each consent's wrapper.
 * @csspart error - Each error message.
 * @csspart button - Every button (also `submit`, `back`, `retry`).
 * @csspart success - The success message.
 * @cssproperty --lc-color-primary - Buttons and links.
 * @cssproperty --lc-color-text - Text.
 * @cssproperty --lc-color-background - Background.
 * @cssproperty --lc-color-border - Control borders.
 * @cssproperty --lc-color-error - Error text and borders.
 * @cssproperty --lc-radius - Corner radius.
 * @cssproperty --lc-spacing - Space between fields.
 * @cssproperty --lc-font - Font family.
 */
export class LeadCapture extends LitElement {
  static override styles = styles;

  static override properties = {
    form: { type: String, reflect: true },
    relay: { type: String },
    locale: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    submitLabel: { type: String, attribute: 'submit-label' },
    successMessage: { type: String, attribute: 'success-message' },
    redirect: { type: String },
    dataLayer: { type: Boolean, attribute: 'datalayer' },
    phase: { state: true },
    definition: { state: true },
    step: { state: true },
    values: { state: true },
    consent: { state: true },
    errors: { state: true },
    announcement: { state: true },
    offers: { state: true },
  };

  /** The form id the relay knows. Required. */
  declare form: string;
  /** The relay's origin; default: the page's own origin. */
  declare relay: string;
  /** `en-GB` (default), `en-US`, or a locale added with `LeadCapture.defineLocale`. */
  declare locale: string;
  /** `light` (default), `dark` or `auto`. */
  declare theme: string;
  /** Overrides the form's submit label. */
  declare submitLabel: string | undefined;
  /** Overrides the form's success message. */
  declare successMessage: string | undefined;
  /** `auto` (default) follows a provider's redirect; `never` stays on the page. */
  declare redirect: string;
  /** Also push `lead_submit` / `lead_success` / `lead_error` to `window.dataLayer` (Google Tag Manager). */
  declare dataLayer: boolean;

  /** @internal */
  declare private phase: Phase;
  /** @internal */
  declare private definition: PublicForm | undefined;
  /** @internal */
  declare private step: number;
  /** @internal */
  declare private values: Record<string, string | boolean>;
  /** @internal */
  declare private consent: Record<string, boolean>;
  /** @internal */
  declare private errors: Record<string, string>;
  /** @internal */
  declare private announcement: string;
  /** @internal */
  declare private offers: OffersState | undefined;

  private touched = new Set<string>();
  private honeypot = '';
  private renderedAt = 0;
  private idempotencyKey: string | undefined;
  private loadController: AbortController | undefined;
  private transfer: PostResponse['transfer'];
  private turnstile: { api: TurnstileApi; widgetId: string | undefined; token: string | undefined } | undefined;
  /** The light-DOM home of the offers block (see screens/offers-screen.ts for why it is not shadow). */
  private offersHost: HTMLElement | undefined;

  constructor() {
    super();
    this.relay = '';
    this.locale = 'en-GB';
    this.theme = 'light';
    this.redirect = 'auto';
    this.dataLayer = false;
    this.phase = 'loading';
    this.step = 0;
    this.values = {};
    this.consent = {};
    this.errors = {};
    this.announcement = '';
    for (const type of Object.keys(GTM_EVENTS)) this.addEventListener(type, this.pushToDataLayer);
  }

  /**
   * Adds a locale, or changes some strings of one; strings left out come from en-GB. Widgets
   * already on the page re-render. From a script-tag page:
   * `customElements.get('lead-capture').defineLocale('fr-FR', { submit: 'Envoyer' })`.
   */
  static defineLocale(tag: string, strings: LocaleStrings): void {
    defineLocale(tag, strings);
    for (const element of document.querySelectorAll('lead-capture')) element.requestUpdate();
  }

  /** Mirrors our own events into Google Tag Manager's dataLayer when `datalayer` is set. */
  private pushToDataLayer = (event: Event): void => {
    const gtm = GTM_EVENTS[event.type];
    if (!this.dataLayer || !gtm || event.target !== this) return;
    const page = window as { dataLayer?: unknown[] };
    page.dataLayer ??= [];
    page.dataLayer.push({ event: gtm, leadForm: this.form, ...(event as Event & { detail?: object }).detail });
  };

  private get strings(): Strings {
    return stringsFor(this.locale);
  }

  private get relayOrigin(): string {
    return (this.relay || location.origin).replace(/\/+$/, '');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('form') || changed.has('relay')) && this.form) void this.load();
    this.dataset.state = this.phase;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loadController?.abort();
  }

  private async load(): Promise<void> {
    this.loadController?.abort();
    const controller = new AbortController();
    this.loadController = controller;
    this.phase = 'loading';
    const result = await loadForm(this.relayOrigin, this.form, controller.signal);
    if (controller.signal.aborted) return;
    if (!result.ok) {
      this.phase = 'load-error';
      this.dispatchEvent(new LeadErrorEvent({ code: result.error.code, message: result.error.message }));
      return;
    }
    const form = result.value;
    const draft = loadDraft(form.id);
    const known = new Set(form.fields.map((f) => f.name));
    const prefill = { ...urlPrefill(location.search), ...attributePrefill(this) };
    const values: Record<string, string | boolean> = {};
    for (const [name, value] of Object.entries({ ...prefill, ...draft?.values })) {
      if (known.has(name)) values[name] = value;
    }
    this.definition = form;
    this.values = values;
    this.step = Math.min(draft?.step ?? 0, form.steps.length - 1);
    this.idempotencyKey = draft?.idempotencyKey;
    this.phase = 'form';
    this.renderedAt = Date.now();
    if (form.turnstileSiteKey) void this.mountTurnstile(form.turnstileSiteKey);
    this.dispatchEvent(new LeadReadyEvent({ formId: form.id }));
  }

  private async mountTurnstile(siteKey: string): Promise<void> {
    const host = document.createElement('div');
    host.slot = 'turnstile';
    this.append(host);
    try {
      const api = await loadTurnstile();
      const state: NonNullable<typeof this.turnstile> = { api, widgetId: undefined, token: undefined };
      this.turnstile = state;
      state.widgetId = api.render(host, {
        sitekey: siteKey,
        callback: (token) => {
          state.token = token;
        },
        'expired-callback': () => {
          state.token = undefined;
        },
        'error-callback': () => {
          state.token = undefined;
        },
      });
    } catch {
      // Without the script the relay answers bot_check_failed, which the consumer sees as an error.
    }
  }

  private persist(): void {
    if (!this.definition) return;
    const draft: Parameters<typeof saveDraft>[1] = { values: this.values, step: this.step };
    if (this.idempotencyKey) draft.idempotencyKey = this.idempotencyKey;
    saveDraft(this.definition.id, draft);
  }

  /** The error for one field now, or undefined: the relay's own check of that field. */
  private fieldError(name: string): string | undefined {
    const field = this.definition?.fields.find((f) => f.name === name);
    const result = field && checkField(field, this.values[name]);
    return result && !result.ok ? this.strings.rules[result.issue.rule](result.issue.limit) : undefined;
  }

  /**
   * The answers as the relay will store them (trimmed, phones in E.164, blanks left out); an answer
   * the check refuses goes as typed, so the relay names the same rule.
   */
  private normalisedValues(form: PublicForm): Record<string, string | boolean> {
    const out: Record<string, string | boolean> = {};
    for (const field of form.fields) {
      const value = this.values[field.name];
      const result = checkField(field, value);
      const kept = result.ok ? result.value : value;
      if (kept !== undefined) out[field.name] = kept;
    }
    return out;
  }

  private setError(path: string, message: string | undefined): void {
    const errors = { ...this.errors };
    if (message) errors[path] = message;
    else delete errors[path];
    this.errors = errors;
  }

  private onInput = (name: string, value: string | boolean): void => {
    this.values = { ...this.values, [name]: value };
    if (this.touched.has(name) || this.errors[`fields.${name}`]) this.setError(`fields.${name}`, this.fieldError(name));
    this.persist();
  };

  private onBlur = (name: string): void => {
    this.touched.add(name);
    this.setError(`fields.${name}`, this.fieldError(name));
  };

  private onConsent = (name: string, value: boolean): void => {
    this.consent = { ...this.consent, [name]: value };
    if (value) this.setError(`consent.${name}`, undefined);
  };

  private onBack = (): void => {
    this.goTo(this.step - 1);
  };

  private goTo(step: number): void {
    const steps = this.definition?.steps.length ?? 1;
    this.step = Math.max(0, Math.min(step, steps - 1));
    this.persist();
    this.dispatchEvent(new LeadStepEvent({ step: this.step, steps }));
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('input, select, textarea')?.focus());
  }

  /** Checks the current step; on the last, the consents too. Focuses the first problem. */
  private checkStep(): boolean {
    const form = this.definition;
    if (!form) return false;
    const names = form.steps[this.step]?.fields ?? [];
    const errors = { ...this.errors };
    for (const name of names) {
      this.touched.add(name);
      const error = this.fieldError(name);
      if (error) errors[`fields.${name}`] = error;
      else delete errors[`fields.${name}`];
    }
    if (this.step === form.steps.length - 1) {
      for (const consent of form.consents) {
        if (consent.required && this.consent[consent.name] !== true) {
          errors[`consent.${consent.name}`] = this.strings.rules.required();
        }
      }
    }
    this.errors = errors;
    const count = Object.keys(errors).length;
    if (count === 0) return true;
    this.announce(this.strings.fixErrors(count));
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    return false;
  }

  private announce(message: string): void {
    // Clearing first makes screen readers repeat a message that has not changed.
    this.announcement = '';
    void this.updateComplete.then(() => {
      this.announcement = message;
    });
  }

  private onSubmit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const form = this.definition;
    if (!form || this.phase === 'sending' || !this.checkStep()) return;
    if (this.step < form.steps.length - 1) {
      this.goTo(this.step + 1);
      return;
    }
    this.persist();
    this.phase = 'sending';
    this.dispatchEvent(new LeadSubmitEvent({ formId: form.id }));
    if (form.pingPost) await this.ping(form, '');
    else await this.sendLead(form);
  };

  private leadContext(): LeadContext {
    return { ...captureContext(location, document.referrer), renderedAt: this.renderedAt, locale: this.locale };
  }

  /** The lead as the relay takes it; spends the Turnstile token, which is good once. */
  private submission(form: PublicForm): LeadSubmission {
    const submission: LeadSubmission = {
      fields: this.normalisedValues(form),
      consent: this.consent,
      context: this.leadContext(),
    };
    if (this.honeypot) submission.website = this.honeypot;
    if (this.turnstile?.token) {
      submission.turnstileToken = this.turnstile.token;
      this.turnstile.token = undefined;
      this.turnstile.api.reset(this.turnstile.widgetId);
    }
    return submission;
  }

  private async sendLead(form: PublicForm): Promise<void> {
    this.idempotencyKey ??= crypto.randomUUID();
    this.persist();
    const submission = this.submission(form);
    const key = this.idempotencyKey;
    const result = await this.withRetries(() => submitLead(this.relayOrigin, form.id, submission, key));
    if (result.ok) this.succeed(form, result.value.leadId);
    else this.fail(result.error);
  }

  /** Asks the relay for offers; with none to show, the form's fallback decides what happens. */
  private async ping(form: PublicForm, notice: string): Promise<void> {
    const request: PingRequest = { fields: this.normalisedValues(form), context: this.leadContext() };
    const result = await pingOffers(this.relayOrigin, form.id, request);
    if (!result.ok) return this.fail(result.error);
    const { offers, sessionId, willAccept, fallback } = result.value;
    if (willAccept && offers.length > 0) {
      this.offers = { sessionId, offers, chosen: new Set(), none: false, sending: false, notice };
      this.phase = 'offers';
      this.dispatchEvent(new LeadOffersEvent({ offers }));
    } else if (fallback === 'no_match') {
      clearDraft(form.id);
      this.phase = 'no-match';
    } else {
      await this.sendLead(form);
    }
  }

  private onOfferToggle = (offerId: string, chosen: boolean): void => {
    if (!this.offers) return;
    const next = new Set(this.offers.chosen);
    if (chosen) next.add(offerId);
    else next.delete(offerId);
    this.offers = { ...this.offers, chosen: next };
  };

  private onNoOffer = (none: boolean): void => {
    if (this.offers) this.offers = { ...this.offers, none, chosen: none ? new Set() : this.offers.chosen };
  };

  private onOffersSubmit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const form = this.definition;
    const offers = this.offers;
    if (!form || !offers || offers.sending) return;
    const offerIds = [...offers.chosen];
    this.offers = { ...offers, sending: true };
    this.dispatchEvent(new LeadOfferAcceptEvent({ offerIds }));
    const request: PostRequest = {
      fields: this.normalisedValues(form),
      offerIds,
      consent: this.consent,
      context: this.leadContext(),
    };
    const result = await this.withRetries(() => postOffers(this.relayOrigin, form.id, offers.sessionId, request));
    if (result.ok) {
      const { leadId, redirectUrl, transfer } = result.value;
      this.transfer = transfer;
      this.succeed(form, leadId);
      if (redirectUrl && this.redirect !== 'never' && /^https?:/.test(redirectUrl)) location.assign(redirectUrl);
    } else if (result.error.code === 'order_expired') {
      await this.ping(form, this.strings.offersRefreshed);
    } else {
      this.offers = { ...offers, sending: false };
      this.fail(result.error);
    }
  };

  private succeed(form: PublicForm, leadId: string): void {
    clearDraft(form.id);
    this.idempotencyKey = undefined;
    this.offers = undefined;
    this.phase = 'success';
    this.dispatchEvent(new LeadSuccessEvent({ leadId }));
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part="success"]')?.focus());
  }

  private fail(error: RelayError): void {
    this.offers = undefined;
    this.phase = 'form';
    this.showRelayError(error);
  }

  /**
   * Network failures are tried again with the same request (the relay answers a repeat with the
   * lead it already stored); offline waits for the connection.
   */
  private async withRetries<T>(send: () => Promise<RelayResult<T>>): Promise<RelayResult<T>> {
    for (let attempt = 0; ; attempt++) {
      if (!navigator.onLine) await new Promise((resolve) => addEventListener('online', resolve, { once: true }));
      const result = await send();
      const delay = RETRY_DELAYS_MS[attempt];
      const transient = !result.ok && (result.error.code === 'network_error' || result.error.status >= 500);
      if (!transient || delay === undefined) return result;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  private showRelayError(error: RelayError): void {
    this.dispatchEvent(new LeadErrorEvent({ code: error.code, message: error.message }));
    if (error.code === 'idempotency_conflict') this.idempotencyKey = crypto.randomUUID();
    const errors: Record<string, string> = {};
    for (const issue of error.issues) {
      const rule = (issue.rule ?? 'invalid') as keyof Strings['rules'];
      errors[issue.path] = this.strings.rules[rule]?.(issue.limit) ?? issue.message;
    }
    this.errors = errors;
    const onStep = this.definition?.steps.findIndex((s) => s.fields.some((f) => errors[`fields.${f}`]));
    if (onStep !== undefined && onStep >= 0 && onStep !== this.step) this.goTo(onStep);
    this.announce(error.issues.length ? this.strings.fixErrors(error.issues.length) : this.strings.networkError);
  }

  protected override updated(): void {
    // The offers block lives in light DOM; Lit renders it there after each update of the element.
    if (this.phase === 'offers' && this.offers) {
      if (!this.offersHost) {
        this.offersHost = document.createElement('div');
        this.offersHost.className = 'lc-offers';
        this.offersHost.slot = 'offers';
        this.append(this.offersHost);
      }
      const { offers, chosen, none, sending, notice } = this.offers;
      render(
        offersScreen({
          offers,
          chosen,
          none,
          sending,
          notice,
          allowNone: this.definition?.allowNoOffer === true,
          strings: this.strings,
          onToggle: this.onOfferToggle,
          onNone: this.onNoOffer,
          onSubmit: this.onOffersSubmit,
        }),
        this.offersHost,
      );
    } else if (this.offersHost) {
      this.offersHost.remove();
      this.offersHost = undefined;
    }
  }

  protected override render(): TemplateResult {
    const strings = this.strings;
    const form = this.definition;
    if (this.phase === 'loading' || !form) {
      return this.phase === 'load-error' ? loadFailedScreen(strings, () => void this.load()) : loadingScreen(strings);
    }
    if (this.phase === 'offers') return html`<slot name="offers"></slot>`;
    if (this.phase === 'no-match') return noMatchScreen(strings);
    if (this.phase === 'success') {
      return successScreen(this.successMessage ?? form.successMessage ?? strings.success, this.transfer, strings);
    }
    return html`${formScreen({
      form,
      step: this.step,
      values: this.values,
      consent: this.consent,
      errors: this.errors,
      announcement: this.announcement,
      sending: this.phase === 'sending',
      submitLabel: this.submitLabel,
      strings,
      onInput: this.onInput,
      onConsent: this.onConsent,
      onBlur: this.onBlur,
      onBack: this.onBack,
      onSubmit: this.onSubmit,
      onHoneypot: (value) => {
        this.honeypot = value;
      },
    })}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lead-capture': LeadCapture;
  }
}
