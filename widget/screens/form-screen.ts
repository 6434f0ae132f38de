/**
 * @module The form screen: the current step's fields and consents, a progress line for multi-step
 * forms, back/next/submit, the honeypot, why the last submit failed, and a live region that
 * announces what needs fixing.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { PublicForm } from '../../shared/form.ts';
import type { Strings } from '../locales.ts';
import { fieldControl } from './field-control.ts';

export interface FormScreenProps {
  form: PublicForm;
  step: number;
  values: Record<string, string | boolean>;
  consent: Record<string, boolean>;
  errors: Record<string, string>;
  announcement: string;
  notice: string;
  sending: boolean;
  submitLabel: string | undefined;
  strings: Strings;
  onInput: (name: string, value: string | boolean) => void;
  onConsent: (name: string, value: boolean) => void;
  onBlur: (name: string) => void;
  onBack: () => void;
  onSubmit: (e: Event) => void;
  onHoneypot: (value: string) => void;
}

/**
 * The form's title and, for a form of several steps, where the consumer is. A ping/post form
 * counts its offers as one more step, shown after the last.
 */
export function formHeader(
  form: PublicForm,
  step: number,
  title: string | undefined,
  strings: Strings,
): TemplateResult {
  const steps = form.steps.length + (form.pingPost ? 1 : 0);
  return html`<h2 id="lc-title" part="title">${form.title}</h2>
    ${form.description && step === 0 ? html`<p part="description">${form.description}</p>` : nothing}
    ${
      steps > 1
        ? html`<p class="progress" part="progress">
            <progress max=${steps} value=${step + 1} aria-hidden="true"></progress>
            ${strings.stepOf(step + 1, steps)}: ${title}
          </p>`
        : nothing
    }`;
}

export function formScreen(p: FormScreenProps): TemplateResult {
  const { form, step, strings } = p;
  const steps = form.steps;
  const current = steps[step];
  const last = step === steps.length - 1;
  const fields = form.fields.filter((f) => current?.fields.includes(f.name));
  return html`<form part="form" novalidate @submit=${p.onSubmit} aria-labelledby="lc-title">
    ${formHeader(form, step, current?.title, strings)}
    ${fields.map((field) =>
      fieldControl({
        field,
        value: p.values[field.name],
        error: p.errors[`fields.${field.name}`],
        strings,
        onInput: p.onInput,
        onBlur: p.onBlur,
      }),
    )}
    ${
      last
        ? form.consents.map((consent) => {
            const id = `lc-consent-${consent.name}`;
            const error = p.errors[`consent.${consent.name}`];
            // Bound as attribute too, so the consent snapshot shows the tick (consent-snapshot.ts).
            const ticked = p.consent[consent.name] === true;
            return html`<div class="check" part="consent">
              <input
                id=${id}
                type="checkbox"
                part="checkbox"
                .checked=${ticked}
                ?checked=${ticked}
                ?required=${consent.required}
                aria-invalid=${!!error}
                aria-describedby=${error ? `${id}-error` : nothing}
                @change=${(e: Event) => p.onConsent(consent.name, (e.target as HTMLInputElement).checked)}
              />
              <label for=${id} part="consent-text">${consent.text}</label>
              ${error ? html`<span id="${id}-error" class="error" part="error">${error}</span>` : nothing}
            </div>`;
          })
        : nothing
    }
    <div class="visually-hidden" aria-hidden="true">
      <label for="lc-website">Website</label>
      <input id="lc-website" name="website" tabindex="-1" autocomplete="off" @input=${(e: Event) =>
        p.onHoneypot((e.target as HTMLInputElement).value)} />
    </div>
    ${last ? html`<slot name="turnstile"></slot>` : nothing}
    ${p.notice ? html`<p class="error" part="error">${p.notice}</p>` : nothing}
    <p class="visually-hidden" role="status" aria-live="polite">${p.announcement}</p>
    <div class="actions" part="actions">
      ${step > 0 ? html`<button type="button" class="secondary" part="button back" @click=${p.onBack}>${strings.back}</button>` : nothing}
      <button type="submit" class="primary" part="button submit" ?disabled=${p.sending} aria-busy=${p.sending}>
        ${p.sending ? strings.sending : last ? (p.submitLabel ?? form.submitLabel ?? strings.submit) : strings.next}
      </button>
    </div>
  </form>`;
}
