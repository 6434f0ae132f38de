/**
 * @module The script-tag entry (`widget.js`): registers the element and mounts one right after the
 * `<script>` (or into `data-target`), copying every `data-*` attribute over. `data-relay` defaults
 * to the script's own origin.
 */
import './define.ts';
import { LeadCapture } from './lead-capture.ts';

function mount(script: HTMLScriptElement): void {
  const element = document.createElement('lead-capture');
  for (const { name, value } of script.attributes) {
    // A prefill (`data-field-<name>`) keeps its name; the element's own attributes lose `data-`.
    if (name.startsWith('data-field-')) element.setAttribute(name, value);
    else if (name.startsWith('data-') && LeadCapture.observedAttributes.includes(name.slice(5))) {
      element.setAttribute(name.slice(5), value);
    }
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
