/**
 * @module The element's styles. Every colour, radius, spacing and font is a `--lc-*` custom property
 * with a default, and every visible piece has a `part` name, so partners theme without reaching in.
 */
import { unsafeCSS } from 'lit';

// A literal with nothing in it from outside, so nothing unsafe: Lit's css`` tag would only add its
// checks of interpolated values to widget.js. The build compacts it (vite.config.ts).
export const styles = unsafeCSS(`
  :host {
    color-scheme: light;
    --lc-color-text: light-dark(#1f2328, #e6edf3);
    --lc-color-muted: light-dark(#57606a, #9da7b3);
    --lc-color-background: light-dark(#ffffff, #161b22);
    --lc-color-border: light-dark(#8c959f, #8b949e);
    --lc-color-primary: light-dark(#0b5cad, #79c0ff);
    --lc-color-on-primary: light-dark(#ffffff, #0d1117);
    --lc-color-error: light-dark(#b3261e, #ff9492);
    --lc-color-success: light-dark(#1a7f37, #56d364);
    --lc-color-focus: var(--lc-color-primary);
    --lc-radius: 6px;
    --lc-spacing: 1rem;
    --lc-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --lc-font-size: 1rem;
    display: block;
    box-sizing: border-box;
    color: var(--lc-color-text);
    background: var(--lc-color-background);
    font-family: var(--lc-font);
    font-size: var(--lc-font-size);
    line-height: 1.5;
    padding: var(--lc-spacing);
    border-radius: var(--lc-radius);
    contain: content;
  }
  /* light-dark() picks by color-scheme, so one set of colours serves all three themes. */
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([theme='auto']) {
    color-scheme: light dark;
  }
  :host([data-state='loading']) {
    min-height: var(--lc-loading-height, 30rem);
  }
  /* The confirmation keeps the form's height, so the page below it does not jump. */
  :host([data-state='success']),
  :host([data-state='no-match']) {
    min-height: var(--lc-held-height, auto);
  }
  * {
    box-sizing: inherit;
  }
  h2 {
    font-size: 1.25em;
    margin: 0 0 calc(var(--lc-spacing) / 2);
  }
  p {
    margin: 0 0 var(--lc-spacing);
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    margin-bottom: var(--lc-spacing);
  }
  label {
    font-weight: 600;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--lc-color-background);
    border: 1px solid var(--lc-color-border);
    border-radius: var(--lc-radius);
    padding: 0.5rem 0.625rem;
    width: 100%;
  }
  .tel {
    display: flex;
    gap: 0.5rem;
  }
  .tel select {
    width: auto;
  }
  textarea {
    min-height: 6rem;
    resize: vertical;
  }
  [aria-invalid='true'] {
    border-color: var(--lc-color-error);
  }
  :focus-visible {
    outline: 3px solid var(--lc-color-focus);
    outline-offset: 2px;
  }
  /* A checkbox beside its label; help and error below the label, like every other field's. */
  .check {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.25rem 0.5rem;
    align-items: start;
    margin-bottom: var(--lc-spacing);
  }
  .check > :not(input) {
    grid-column: 2;
  }
  .check input {
    width: auto;
    margin-top: 0.3rem;
  }
  .check label {
    font-weight: 400;
  }
  .error {
    color: var(--lc-color-error);
    font-size: 0.875em;
  }
  .help,
  .progress {
    color: var(--lc-color-muted);
    font-size: 0.875em;
  }
  .actions {
    display: flex;
    gap: 0.5rem;
    justify-content: flex-end;
  }
  button {
    font: inherit;
    font-weight: 600;
    border-radius: var(--lc-radius);
    padding: 0.625rem 1.25rem;
    cursor: pointer;
    border: 1px solid var(--lc-color-primary);
  }
  button.primary {
    background: var(--lc-color-primary);
    color: var(--lc-color-on-primary);
  }
  button.secondary {
    background: transparent;
    color: var(--lc-color-primary);
  }
  button[disabled] {
    opacity: 0.6;
    cursor: progress;
  }
  .done h2 {
    color: var(--lc-color-success);
  }
  .done h2:focus {
    outline: none;
  }
  /* Off-screen, not gone: screen readers still read the live region, bots still fill the honeypot. */
  .visually-hidden {
    position: absolute;
    left: -10000px;
    width: 1px;
    height: 1px;
    overflow: hidden;
    white-space: nowrap;
  }
`);
