/**
 * @module The script-tag entry (`widget.js`): registers the element and mounts one right after the
 * `<script>` (or into `data-target`), copying every `data-*` attribute over. `data-relay` defaults
 * to the script's own origin.
 */
import './define.ts';

const ATTRIBUTES = ['form', 'relay', 'locale', 'theme', 'submit-label', 'success-message', 'redirect', 'datalayer'];

function mount(script: HTMLScriptElement): void {
  const element = document.createElement('lead-capture');
  for (const attribute of Array.from(script.attributes)) {
    if (!attribute.name.startsWith('data-')) continue;
    const name = attribute.name.slice(5);
    if (ATTRIBUTES.includes(name)) element.setAttribute(name, attribute.value);
    else if (name.startsWith('field-')) element.setAttribute(attribute.name, attribute.value);
  }
  if (!element.hasAttribute('relay')) element.setAttribute('relay', new URL(script.src, location.href).origin);
  const selector = script.dataset.target;
  const target = selector ? document.querySelector(selector) : null;
  if (target) target.append(element);
  else script.after(element);
}

const script = document.currentScript;
if (script instanceof HTMLScriptElement && script.dataset.form) {
  if (document.readyState === 'loading' && script.dataset.target) {
    document.addEventListener('DOMContentLoaded', () => mount(script), { once: true });
  } else {
    mount(script);
  }
}
