/**
 * @module The script-tag build's parts.ts (vite.config.ts puts it in its place): each part is a
 * classic script beside widget.js, `widget-<name>.js`, built without Lit. It takes the Lit of this
 * widget.js from the `<script>` element that loads it and leaves what it exports there (see
 * parts/from-widget.ts), so the page holds one Lit and no global name. A classic script, unlike
 * `import()`, needs no CORS headers from the relay, and a Content-Security-Policy that allows
 * scripts from the relay's origin allows the parts too.
 */
import { html, nothing, render, unsafeCSS } from 'lit';
import type { loadOffers as LoadOffers, loadTurnstile as LoadTurnstile } from '../parts.ts';
import type { PartScript } from './from-widget.ts';

const own = document.currentScript as HTMLScriptElement | null;
/** The parts are served beside widget.js, wherever the page took it from. */
const base = own?.src ?? location.href;
/** A page whose CSP allows scripts by nonce gave widget.js one: its parts carry the same. */
const nonce = own?.nonce ?? '';
const lit: PartScript['lit'] = { html, nothing, render, unsafeCSS };
const loading = new Map<string, Promise<unknown>>();

function loadPart(name: string): Promise<unknown> {
  let part = loading.get(name);
  if (!part) {
    part = new Promise((resolve, reject) => {
      const script: PartScript = Object.assign(document.createElement('script'), { lit, nonce });
      const fail = () => {
        // A network that failed once may not fail again: the next form that needs the part tries anew.
        loading.delete(name);
        reject(new Error(`${name} did not load`));
      };
      script.onload = () => (script.handedOver ? resolve(script.handedOver) : fail());
      script.onerror = fail;
      script.src = new URL(`widget-${name}.js`, base).href;
      document.head.append(script);
    });
    loading.set(name, part);
  }
  return part;
}

export const loadOffers = (() => loadPart('offers')) as typeof LoadOffers;
export const loadTurnstile = (() => loadPart('turnstile')) as typeof LoadTurnstile;
