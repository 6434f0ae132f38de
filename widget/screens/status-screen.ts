/**
 * @module The screens around the form: loading (height reserved), failed to load, and success.
 */
import { html, nothing, type TemplateResult } from 'lit';
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

export function successScreen(
  message: string,
  transfer: { agentName: string; agentPhone: string } | undefined,
  strings: Strings,
): TemplateResult {
  return html`<p class="success" part="success" role="status" tabindex="-1">${message}</p>
    ${
      transfer
        ? html`<p part="transfer">${strings.transfer(transfer.agentName)}
            <a part="transfer-phone" href="tel:${transfer.agentPhone.replace(/[^+\d]/g, '')}">${transfer.agentPhone}</a></p>`
        : nothing
    }`;
}

export function noMatchScreen(strings: Strings): TemplateResult {
  return html`<p part="no-match" role="status">${strings.noMatch}</p>`;
}
