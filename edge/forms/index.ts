/**
 * @module The forms this relay serves, from the deployer's form files (tools/forms.ts gathers them
 * at build time), checked once when the worker starts: a bad form stops it with the file, path and
 * rule. Also the public view of one (never an origin list, a destination or a key) and the texts a
 * consumer is shown, which consent evidence names by version.
 */
import { createHash } from 'node:crypto';
import type { PublicForm } from '../../shared/form.ts';
import { configuredForms } from './configured.js';
import { type FormConfig, loadFormFiles } from './schema.ts';

export const forms: ReadonlyMap<string, FormConfig> = new Map(
  loadFormFiles(configuredForms).map((form) => [form.id, form]),
);

/** The words a consumer reads before consenting: the questions, their options and the consent texts. */
export function formTexts(form: FormConfig) {
  return {
    fields: form.fields.map((f) => ({ name: f.name, label: f.label, options: f.options })),
    consents: form.consents,
    defaultConsentText: form.pingPost?.defaultConsentText,
  };
}

const versions = new WeakMap<FormConfig, string>();

/**
 * The version of a form's texts: the first 16 hex digits of their SHA-256, so a change of copy is a
 * new version and two versions never share one (at the odds of a 64-bit collision).
 */
export function textsVersion(form: FormConfig): string {
  let version = versions.get(form);
  if (!version) {
    version = createHash('sha256')
      .update(JSON.stringify(formTexts(form)))
      .digest('hex')
      .slice(0, 16);
    versions.set(form, version);
  }
  return version;
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
