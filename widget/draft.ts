/**
 * @module Keeps what the consumer typed through a reload: the field values and the step, in
 * sessionStorage under the form id (never consents, never the honeypot), cleared on success.
 */
export interface Draft {
  values: Record<string, string | boolean>;
  step: number;
  idempotencyKey?: string;
}

const key = (formId: string) => `lead-capture:${formId}`;

export function loadDraft(formId: string): Draft | undefined {
  try {
    const raw = sessionStorage.getItem(key(formId));
    return raw ? (JSON.parse(raw) as Draft) : undefined;
  } catch {
    return undefined;
  }
}

export function saveDraft(formId: string, draft: Draft): void {
  try {
    sessionStorage.setItem(key(formId), JSON.stringify(draft));
  } catch {
    // Storage can be full or blocked (private modes); the form still works without a draft.
  }
}

export function clearDraft(formId: string): void {
  try {
    sessionStorage.removeItem(key(formId));
  } catch {
    // As above: nothing to clear when storage is unavailable.
  }
}
