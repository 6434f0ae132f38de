/**
 * @module One form control (input, select, textarea or checkbox) with its label, help and error,
 * wired for assistive technology: the error is described-by and the control is marked invalid. A
 * phone field of several countries has a country picker beside it.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { FieldDefinition } from '../../shared/form.ts';
import type { Strings } from '../locales.ts';

export interface FieldControlProps {
  field: FieldDefinition;
  value: string | boolean | undefined;
  error: string | undefined;
  strings: Strings;
  onInput: (name: string, value: string | boolean) => void;
  onBlur: (name: string) => void;
}

const INPUT_TYPES: Partial<Record<FieldDefinition['type'], string>> = { email: 'email', tel: 'tel', postcode: 'text' };

export function fieldControl({ field, value, error, strings, onInput, onBlur }: FieldControlProps): TemplateResult {
  const id = `lc-${field.name}`;
  const describedBy = [field.help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || nothing;
  const text = typeof value === 'string' ? value : '';
  const input = (e: Event) => onInput(field.name, (e.target as HTMLInputElement).value);
  const blur = () => onBlur(field.name);
  const errorLine = error ? html`<span id="${id}-error" class="error" part="error">${error}</span>` : nothing;
  const help = field.help ? html`<span id="${id}-help" class="help" part="help">${field.help}</span>` : nothing;

  if (field.type === 'hidden') {
    // The page sets it (data-field-*, ?lc_*), not the consumer, who is still told when it is wrong.
    return html`<input type="hidden" name=${field.name} .value=${text} />${
      error ? html`<p class="error" part="error" role="alert">${field.label}: ${error}</p>` : nothing
    }`;
  }

  if (field.type === 'checkbox') {
    return html`<div class="check" part="field field-${field.name}">
      <input
        id=${id}
        type="checkbox"
        part="checkbox"
        name=${field.name}
        .checked=${value === true}
        ?required=${field.required}
        aria-invalid=${!!error}
        aria-describedby=${describedBy}
        @change=${(e: Event) => onInput(field.name, (e.target as HTMLInputElement).checked)}
        @blur=${blur}
      />
      <label for=${id} part="label">${field.label}</label>
      ${help} ${errorLine}
    </div>`;
  }

  const label = html`<label for=${id} part="label"
    >${field.label}${field.required ? nothing : html` <span class="help">${strings.optional}</span>`}</label
  >`;
  let control: TemplateResult;
  if (field.type === 'select') {
    control = html`<select
      id=${id}
      part="select"
      name=${field.name}
      ?required=${field.required}
      aria-invalid=${!!error}
      aria-describedby=${describedBy}
      @change=${input}
      @blur=${blur}
    >
      <option value="" ?selected=${text === ''}>${strings.choose}</option>
      ${(field.options ?? []).map((o) => html`<option value=${o.value} ?selected=${o.value === text}>${o.label}</option>`)}
    </select>`;
  } else if (field.type === 'textarea') {
    control = html`<textarea
      id=${id}
      part="textarea"
      name=${field.name}
      .value=${text}
      maxlength=${field.maxLength ?? nothing}
      ?required=${field.required}
      aria-invalid=${!!error}
      aria-describedby=${describedBy}
      @input=${input}
      @blur=${blur}
    ></textarea>`;
  } else {
    control = html`<input
      id=${id}
      part="input"
      name=${field.name}
      type=${INPUT_TYPES[field.type] ?? 'text'}
      .value=${text}
      maxlength=${field.maxLength ?? nothing}
      autocomplete=${field.autocomplete ?? nothing}
      placeholder=${field.placeholder ?? nothing}
      ?required=${field.required}
      aria-invalid=${!!error}
      aria-describedby=${describedBy}
      @input=${input}
      @blur=${blur}
    />`;
    if (field.plans?.[1]) {
      // A phone field of several countries: the one chosen reads a number typed without its + code.
      // The field is the form controller's own copy, so the choice is kept on it, where the check
      // (`checkField`) and the answer sent read it; the number typed so far is then checked again.
      const choose = (e: Event) => {
        field.country = (e.target as HTMLSelectElement).value;
        onInput(field.name, text);
      };
      control = html`<div class="tel">
        <select part="country" aria-label=${strings.country} @change=${choose}>
          ${field.plans.map((p) => html`<option value=${p.country} ?selected=${p.country === field.country}>${p.country} +${p.code}</option>`)}
        </select>
        ${control}
      </div>`;
    }
  }
  return html`<div class="field" part="field field-${field.name}">${label}${control}${help}${errorLine}</div>`;
}
