/**
 * @module The `<lead-capture>` element: its public attributes and a choice of screen. The behaviour
 * lives in reactive controllers: the form and its draft (controllers/form-controller.ts) and LeadExec's
 * ping → offers → post (controllers/offers-controller.ts, loaded for the forms that use it).
 */
import { html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { FormController } from './controllers/form-controller.ts';
import { defineLocale, type LocaleStrings } from './locales.ts';
import { reportUse } from './reports.ts';
import { formHeader, formScreen } from './screens/form-screen.ts';
import { loadFailedScreen, loadingScreen, noMatchScreen, successScreen } from './screens/status-screen.ts';
import { styles } from './styles.ts';

/**
 * A lead-capture form that the relay defines: renders its fields, validates as the consumer types,
 * and submits the lead to the relay. With `datalayer`, submit, success and error are also pushed to
 * `window.dataLayer` as `lead_submit`, `lead_success` and `lead_error`.
 *
 * @summary Embeddable lead-capture form.
 * @tagname lead-capture
 * @fires {LeadReadyEvent} lead-ready - The form loaded. `detail: { formId: string }`
 * @fires {LeadStepEvent} lead-step - The consumer moved to another step. `detail: { step: number; steps: number }`
 * @fires {LeadSubmitEvent} lead-submit - The consumer submitted. `detail: { formId: string }`
 * @fires {LeadSuccessEvent} lead-success - The relay stored the lead. `detail: { leadId: string }`
 * @fires {LeadErrorEvent} lead-error - Loading or submitting failed. `detail: { code: string; message: string }`
 * @fires {LeadOffersEvent} lead-offers - A ping returned offers to choose from. `detail: { offers: readonly Offer[] }`
 * @fires {LeadOfferAcceptEvent} lead-offer-accept - The consumer chose offers and the post is on its way. `detail: { offerIds: readonly string[] }`
 * @slot turnstile - Filled by the element itself with Cloudflare Turnstile when the form has a site key.
 * @slot offers - Filled by the element itself with the offers and their consent texts, in light DOM so consent-capture scripts (TrustedForm, Jornaya) can read them.
 * @csspart form - The form.
 * @csspart title - The form's title.
 * @csspart progress - Where the consumer is in a form of several steps.
 * @csspart field - Each field's wrapper (also `field-<name>`).
 * @csspart label - Each label.
 * @csspart input - Text-like inputs.
 * @csspart select - Selects.
 * @csspart textarea - Text areas.
 * @csspart checkbox - Checkboxes.
 * @csspart consent - Each consent's wrapper.
 * @csspart error - Each error message.
 * @csspart button - Every button (also `submit`, `back`, `retry`).
 * @csspart success - The confirmation (also `success-title`, `success-message`).
 * @cssprop [--lc-color-primary=#0b5cad] - Buttons and links (dark theme: #79c0ff).
 * @cssprop [--lc-color-text=#1f2328] - Text (dark theme: #e6edf3).
 * @cssprop [--lc-color-background=#ffffff] - Background (dark theme: #161b22).
 * @cssprop [--lc-color-border=#8c959f] - Control borders (dark theme: #8b949e).
 * @cssprop [--lc-color-error=#b3261e] - Error text and borders (dark theme: #ff9492).
 * @cssprop [--lc-radius=6px] - Corner radius.
 * @cssprop [--lc-spacing=1rem] - Space between fields.
 * @cssprop [--lc-font=system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif] - Font family.
 * @cssprop [--lc-loading-height=30rem] - Height kept for the form while it loads.
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
  };

  /** The form id the relay knows. Required. */
  declare form: string;
  /** The relay's origin; default: the page's own origin. */
  declare relay: string;
  /** `en-GB` (default), `en-US`, or a locale added with `LeadCapture.defineLocale`. */
  declare locale: string;
  /** `light` (default), `dark` or `auto` (follows the consumer's system setting). */
  declare theme: 'light' | 'dark' | 'auto';
  /** Overrides the form's submit label. */
  declare submitLabel: string | undefined;
  /** Overrides the form's success message. */
  declare successMessage: string | undefined;
  /** `auto` (default) follows a buyer's redirect; `never` stays on the page. */
  declare redirect: 'auto' | 'never';
  /** Also push `lead_submit` / `lead_success` / `lead_error` to `window.dataLayer` (Google Tag Manager). */
  declare dataLayer: boolean;

  readonly #answers = new FormController(this);

  constructor() {
    super();
    this.relay = '';
    this.locale = 'en-GB';
    this.theme = 'light';
    this.redirect = 'auto';
    this.dataLayer = false;
    reportUse(this, this.#answers);
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

  override connectedCallback(): void {
    super.connectedCallback();
    // The loading screen's height is held from the first frame, before its first render.
    this.dataset.state = this.#answers.phase;
  }

  /**
   * The two renders that start the widget, the loading screen and then the form, each get a task of
   * their own instead of running in the one that asked for them (the page's script; the one the
   * form's definition arrived in, which runs the page's `lead-ready` listeners too): apart, none
   * of these tasks holds up the page's input for long.
   */
  protected override async scheduleUpdate(): Promise<void> {
    if (!this.hasUpdated || (this.#answers.phase === 'form' && this.dataset.state === 'loading')) {
      await new Promise((resolve) => setTimeout(resolve));
    }
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('form') || changed.has('relay')) && this.form) void this.#answers.load();
    this.dataset.state = this.#answers.phase;
  }

  protected override render(): TemplateResult {
    const answers = this.#answers;
    const { strings, definition: form, phase } = answers;
    if (phase === 'load-error') return loadFailedScreen(strings, () => void answers.load());
    if (phase === 'loading' || !form) return loadingScreen(strings);
    if (phase === 'offers') {
      return html`${formHeader(form, form.steps.length, strings.offersTitle, strings)}<slot name="offers"></slot>`;
    }
    if (phase === 'no-match') return noMatchScreen(strings);
    if (phase === 'success') {
      return successScreen(this.successMessage ?? form.successMessage ?? strings.success, answers.outcome, strings);
    }
    // The controller's own fields are the screen's answers, errors and handlers.
    return formScreen({ ...answers, form, sending: phase === 'sending', submitLabel: this.submitLabel, strings });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lead-capture': LeadCapture;
  }
}
