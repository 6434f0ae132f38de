/**
 * @module What a part of the script-tag build takes from widget.js and gives back, through the
 * `<script>` element that loads it (parts/script-loader.ts). A part's build takes this module for
 * `lit` (vite.config.ts); a part's entry hands its export over with `handOver`.
 */
import type * as Lit from 'lit';

export interface PartScript extends HTMLScriptElement {
  lit: Pick<typeof Lit, 'html' | 'nothing' | 'render' | 'unsafeCSS'>;
  handedOver?: unknown;
}

/** A part runs while its own script element is the current script. */
const script = document.currentScript as PartScript;

export const { html, nothing, render, unsafeCSS } = script.lit;

export function handOver(part: unknown): void {
  script.handedOver = part;
}
