/**
 * @module The screens around the form: loading (height reserved), failed to load, the confirmation
 * and no match.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Outcome } from '../controllers/form-controller.ts';
import type { Strings } from '../locales.ts';

export function loadingScreen(strings: Strings): TemplateResult {
  return html`<p part="loading" role="status">${strings.loading}</p>`;
}

export function loadFailedScreen(strings: Strings, onRetry: () => void): TemplateResult {
  return html`<div part="load-error" role="alert">
    <p>${strings.loadFailed}</p>
    <button type="button" class="secondary" part="button retry" @click=${onRetry}>${strings.retry}</button>
  </div>`;
}

/**
 * The confirmation: a heading that takes focus (so it is read out, and keyboard users start
 * from it), what happens next, and the agent to call after a transfer.
 */
export function successScreen(message: string, outcome: Outcome | undefined, strings: Strings): TemplateResult {
  const transfer = outcome?.transfer;
  return html`<div class="done" part="success" role="status">
    <h2 id="lc-done" part="success-title" tabindex="-1">${strings.successTitle}</h2>
    <p part="success-message">${message}</p>
    ${
      transfer
        ? html`<p part="transfer">${strings.transfer(transfer.agentName)}
            <a part="transfer-phone" href="tel:${transfer.agentPhone.replace(/[^+\d]/g, '')}">${transfer.agentPhone}</a></p>`
        : nothing
    }
  </div>`;
}

export function noMatchScreen(strings: Strings): TemplateResult {
  return html`<p part="no-match" role="status">${strings.noMatch}</p>`;
}
