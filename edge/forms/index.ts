/**
 * @module The forms this relay serves, parsed once when the worker starts, and the public view of
 * one (what the widget may see: never an origin list, a destination or a key).
 */
import type { PublicForm } from '../../shared/form.ts';
import { demoForms } from './demo.ts';
import { type FormConfig, parseForms } from './schema.ts';

export const forms: ReadonlyMap<string, FormConfig> = new Map(parseForms(demoForms).map((form) => [form.id, form]));

/** A short, stable fingerprint of the texts a consumer sees, so a consent names its wording. */
function textsVersion(form: FormConfig): string {
  const texts = JSON.stringify([
    form.fields.map((f) => [f.name, f.label, f.options]),
    form.consents,
    form.pingPost?.defaultConsentText,
  ]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < texts.length; i++) {
    hash ^= texts.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

export function publicForm(form: FormConfig): PublicForm {
  const view: PublicForm = {
    id: form.id,
    title: form.title,
    fields: form.fields,
    steps: form.steps ?? [{ title: form.title, fields: form.fields.map((f) => f.name) }],
    consents: form.consents,
    pingPost: form.pingPost !== undefined,
    textsVersion: textsVersion(form),
  };
  if (form.description) view.description = form.description;
  if (form.submitLabel) view.submitLabel = form.submitLabel;
  if (form.successMessage) view.successMessage = form.successMessage;
  if (form.turnstileSiteKey) view.turnstileSiteKey = form.turnstileSiteKey;
  if (form.pingPost) view.allowNoOffer = form.pingPost.allowNoOffer;
  return view;
}
