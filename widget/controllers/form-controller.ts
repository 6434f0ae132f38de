/**
 * @module The form and its draft: loads the definition, keeps the answers (and a draft of them
 * through a reload), checks each answer as the relay will, moves between steps, submits a plain
 * lead, and owns which screen the element shows.
 */
import type { ReactiveController } from 'lit';
import { checkField } from '../../shared/fields.ts';
import type { PublicForm } from '../../shared/form.ts';
import type { LeadContext, LeadSubmission } from '../../shared/lead.ts';
import type { PostResponse } from '../../shared/ping-post.ts';
import { fits, snapshot } from '../consent-snapshot.ts';
import { clearDraft, loadDraft, saveDraft } from '../draft.ts';
import { LeadErrorEvent, LeadReadyEvent, LeadStepEvent, LeadSubmitEvent, LeadSuccessEvent } from '../events.ts';
import type { LeadCapture } from '../lead-capture.ts';
import { type Strings, stringsFor } from '../locales.ts';
import { attributePrefill, captureContext, urlPrefill } from '../page-context.ts';
import { loadOffers, loadTurnstile } from '../parts.ts';
import { loadForm, type RelayError, submitLead, withRetries } from '../relay-client.ts';
import type { Turnstile } from '../turnstile.ts';
import type { OffersController } from './offers-controller.ts';

export type Phase = 'loading' | 'load-error' | 'form' | 'sending' | 'offers' | 'no-match' | 'success';

/** What the consumer is told after a lead went through. */
export interface Outcome {
  leadId: string;
  transfer?: PostResponse['transfer'];
}

export class FormController implements ReactiveController {
  phase: Phase = 'loading';
  definition: PublicForm | undefined;
  step = 0;
  values: Record<string, string | boolean> = {};
  consent: Record<string, boolean> = {};
  errors: Record<string, string> = {};
  announcement = '';
  /** Why the last submit failed when no answer is at fault (the relay or the network), shown above the buttons. */
  notice = '';
  outcome: Outcome | undefined;
  honeypot = '';
  /** The form's consents as the consumer saw them on the last step's submit (consent-snapshot.ts). */
  consentShown = '';

  #touched = new Set<string>();
  #renderedAt = 0;
  #idempotencyKey: string | undefined;
  #loading: AbortController | undefined;
  #turnstile: Turnstile | undefined;
  #offers: Promise<OffersController | undefined> | undefined;
  readonly #host: LeadCapture;

  constructor(host: LeadCapture) {
    this.#host = host;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#loading?.abort();
  }

  get strings(): Strings {
    return stringsFor(this.#host.locale);
  }

  get relay(): string {
    return (this.#host.relay || location.origin).replace(/\/+$/, '');
  }

  /** Shows another screen; success and no-match keep the height the form had, so nothing below moves. */
  show(phase: Phase): void {
    if (phase === 'success' || phase === 'no-match') {
      this.#host.style.setProperty('--lc-held-height', `${this.#host.getBoundingClientRect().height}px`);
    }
    this.phase = phase;
    this.#host.requestUpdate();
  }

  async load(): Promise<void> {
    this.#loading?.abort();
    const controller = new AbortController();
    this.#loading = controller;
    this.show('loading');
    const result = await loadForm(this.relay, this.#host.form, controller.signal);
    if (controller.signal.aborted) return;
    if (!result.ok) {
      this.show('load-error');
      this.#host.dispatchEvent(new LeadErrorEvent({ code: result.error.code, message: result.error.message }));
      return;
    }
    const form = result.value;
    const draft = loadDraft(form.id);
    const known = new Set(form.fields.map((f) => f.name));
    const prefill = { ...urlPrefill(location.search), ...attributePrefill(this.#host) };
    const values: Record<string, string | boolean> = {};
    for (const [name, value] of Object.entries({ ...prefill, ...draft?.values })) {
      if (known.has(name)) values[name] = value;
    }
    this.definition = form;
    this.values = values;
    this.step = Math.min(draft?.step ?? 0, form.steps.length - 1);
    this.#idempotencyKey = draft?.idempotencyKey;
    this.#renderedAt = Date.now();
    this.show('form');
    if (form.turnstileSiteKey) void this.#mountTurnstile(form.turnstileSiteKey);
    // Loaded now, so that it is there when the consumer submits.
    if (form.pingPost) void this.#offersFlow();
    this.#host.dispatchEvent(new LeadReadyEvent({ formId: form.id }));
  }

  /** Cloudflare Turnstile, loaded for a form that has a site key. */
  async #mountTurnstile(siteKey: string): Promise<void> {
    try {
      this.#turnstile ??= new (await loadTurnstile())(this.#host);
      await this.#turnstile.mount(siteKey);
    } catch {
      // Without Turnstile the relay answers bot_check_failed, which the consumer sees as an error.
    }
  }

  /** LeadExec's offers flow, loaded once a form uses it; undefined while it cannot load. */
  #offersFlow(): Promise<OffersController | undefined> {
    this.#offers ??= loadOffers().then(
      (Offers) => new Offers(this.#host, this),
      () => {
        // Asked for again at the next submit: a network that failed once may not fail again.
        this.#offers = undefined;
        return undefined;
      },
    );
    return this.#offers;
  }

  #persist(): void {
    if (!this.definition) return;
    const draft: Parameters<typeof saveDraft>[1] = { values: this.values, step: this.step };
    if (this.#idempotencyKey) draft.idempotencyKey = this.#idempotencyKey;
    saveDraft(this.definition.id, draft);
  }

  /** The error for one field now, or undefined: the relay's own check of that field. */
  #fieldError(name: string): string | undefined {
    const field = this.definition?.fields.find((f) => f.name === name);
    const result = field && checkField(field, this.values[name]);
    return result && !result.ok ? this.strings.rules[result.issue.rule](result.issue.limit) : undefined;
  }

  /**
   * The answers as the relay will store them (trimmed, phones in E.164, blanks left out); an answer
   * the check refuses goes as typed, so the relay names the same rule.
   */
  normalisedValues(form: PublicForm): Record<string, string | boolean> {
    const out: Record<string, string | boolean> = {};
    for (const field of form.fields) {
      const value = this.values[field.name];
      const result = checkField(field, value);
      const kept = result.ok ? result.value : value;
      if (kept !== undefined) out[field.name] = kept;
    }
    return out;
  }

  #setError(path: string, message: string | undefined): void {
    const errors = { ...this.errors };
    if (message) errors[path] = message;
    else delete errors[path];
    this.errors = errors;
    this.#host.requestUpdate();
  }

  onInput = (name: string, value: string | boolean): void => {
    this.values = { ...this.values, [name]: value };
    if (this.#touched.has(name) || this.errors[`fields.${name}`])
      this.#setError(`fields.${name}`, this.#fieldError(name));
    this.#persist();
    this.#host.requestUpdate();
  };

  onBlur = (name: string): void => {
    this.#touched.add(name);
    this.#setError(`fields.${name}`, this.#fieldError(name));
  };

  onConsent = (name: string, value: boolean): void => {
    this.consent = { ...this.consent, [name]: value };
    if (value) this.#setError(`consent.${name}`, undefined);
    this.#host.requestUpdate();
  };

  onHoneypot = (value: string): void => {
    this.honeypot = value;
  };

  onBack = (): void => {
    this.goTo(this.step - 1);
  };

  /** Shows a step of the form again and focuses its first control. */
  goTo(step: number): void {
    const steps = this.definition?.steps.length ?? 1;
    this.step = Math.max(0, Math.min(step, steps - 1));
    this.#persist();
    if (this.phase !== 'form') this.show('form');
    else this.#host.requestUpdate();
    this.#host.dispatchEvent(new LeadStepEvent({ step: this.step, steps }));
    this.#focus('input:not([type=hidden]), select, textarea');
  }

  /** Checks the current step; on the last, the consents too. Focuses the first problem. */
  #checkStep(): boolean {
    const form = this.definition;
    if (!form) return false;
    const names = form.steps[this.step]?.fields ?? [];
    const errors = { ...this.errors };
    for (const name of names) {
      this.#touched.add(name);
      const error = this.#fieldError(name);
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
    this.#host.requestUpdate();
    const count = Object.keys(errors).length;
    if (count === 0) return true;
    this.#announce(this.strings.fixErrors(count));
    this.#focus('[aria-invalid="true"]');
    return false;
  }

  /** Focuses the first match once the screen has rendered. */
  #focus(selector: string): void {
    void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<HTMLElement>(selector)?.focus());
  }

  #announce(message: string): void {
    // Clearing first makes screen readers repeat a message that has not changed.
    this.announcement = '';
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => {
      this.announcement = message;
      this.#host.requestUpdate();
    });
  }

  onSubmit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const form = this.definition;
    if (!form || this.phase === 'sending' || !this.#checkStep()) return;
    if (this.step < form.steps.length - 1) {
      this.goTo(this.step + 1);
      return;
    }
    this.consentShown = snapshot(this.#host.renderRoot, '[part=consent]');
    this.#persist();
    this.notice = '';
    this.show('sending');
    this.#host.dispatchEvent(new LeadSubmitEvent({ formId: form.id }));
    if (!form.pingPost) return this.sendLead(form);
    const offers = await this.#offersFlow();
    if (offers) return offers.ping(form);
    this.fail({ code: 'network_error', message: 'The offers could not be loaded', issues: [], status: 0 });
  };

  context(): LeadContext {
    return { ...captureContext(location, document.referrer), renderedAt: this.#renderedAt, locale: this.#host.locale };
  }

  /**
   * The lead as both of its routes take it: the answers, the consents, the page's context and the
   * consent section as shown (`shown`: its markup).
   */
  lead(form: PublicForm, shown: string) {
    return {
      fields: this.normalisedValues(form),
      consent: this.consent,
      context: this.context(),
      consentMarkup: fits(shown),
    };
  }

  async sendLead(form: PublicForm): Promise<void> {
    this.#idempotencyKey ??= crypto.randomUUID();
    this.#persist();
    const submission: LeadSubmission = {
      ...this.lead(form, this.consentShown),
      // Undefined unless a bot filled the honeypot or Turnstile gave a token: JSON then leaves them out.
      website: this.honeypot || undefined,
      turnstileToken: this.#turnstile?.spend(),
    };
    const key = this.#idempotencyKey;
    const result = await withRetries(() => submitLead(this.relay, form.id, submission, key));
    if (!result.ok) return this.fail(result.error);
    this.succeed(result.value, result.value.redirectUrl);
  }

  /**
   * The lead went through: the draft is done with, and the confirmation takes focus. A buyer's page
   * (LeadExec sends) is followed unless the element says `redirect="never"`, and only over http(s).
   */
  succeed(outcome: Outcome, redirectUrl?: string): void {
    if (this.definition) clearDraft(this.definition.id);
    this.#idempotencyKey = undefined;
    this.outcome = outcome;
    this.show('success');
    this.#host.dispatchEvent(new LeadSuccessEvent({ leadId: outcome.leadId }));
    this.#focus('#lc-done');
    if (redirectUrl && this.#host.redirect !== 'never' && /^https?:\/\//i.test(redirectUrl))
      location.assign(redirectUrl);
  }

  /** Nobody could take the enquiry; nothing more to keep. */
  noMatch(): void {
    if (this.definition) clearDraft(this.definition.id);
    this.show('no-match');
  }

  /** Back to the form with the relay's answer shown where it belongs; the draft stays. */
  fail(error: RelayError): void {
    this.#host.dispatchEvent(new LeadErrorEvent({ code: error.code, message: error.message }));
    if (error.code === 'idempotency_conflict') this.#idempotencyKey = crypto.randomUUID();
    const errors: Record<string, string> = {};
    for (const issue of error.issues) {
      const rule = (issue.rule ?? 'invalid') as keyof Strings['rules'];
      errors[issue.path] = this.strings.rules[rule]?.(issue.limit) ?? issue.message;
    }
    this.errors = errors;
    this.show('form');
    const onStep = this.definition?.steps.findIndex((s) => s.fields.some((f) => errors[`fields.${f}`]));
    if (onStep !== undefined && onStep >= 0 && onStep !== this.step) this.goTo(onStep);
    const count = error.issues.length;
    // A 5xx came from the relay itself, so the network is not to blame; either way the draft stays.
    this.notice = count ? '' : error.status >= 500 ? this.strings.serverError : this.strings.networkError;
    this.#announce(count ? this.strings.fixErrors(count) : this.notice);
  }
}
