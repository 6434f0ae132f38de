/**
 * @module The screens around the form: loading (height reserved), failed to load, and success.
 */
import { html, type TemplateResult } from 'lit';
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

export function successScreen(message: string): TemplateResult {
  return html`<p class="success" part="success" role="status" tabindex="-1">${message}</p>`;
}
