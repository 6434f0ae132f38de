/**
 * @module The consent section as the consumer saw it, which the relay keeps with the lead: its
 * markup at submit, without the comments Lit leaves to find its parts (`<!--?lit$…$-->`,
 * `<!---->`), which were never part of what was shown. A checkbox's `checked` attribute follows its
 * state (the screens bind both), so the markup shows what was ticked.
 */
import { CONSENT_MARKUP_MAX_LENGTH } from '../shared/context-keys.ts';

/** The markup of what `selector` finds under `root`. */
export function snapshot(root: ParentNode, selector: string): string {
  return Array.from(root.querySelectorAll(selector), (e) => e.outerHTML)
    .join('')
    .replace(/<!--.*?-->/gs, '');
}

/** The snapshot to send: none when it is longer than the relay takes, so it never costs the lead. */
export function fits(markup: string): string | undefined {
  return markup.length <= CONSENT_MARKUP_MAX_LENGTH ? markup : undefined;
}
