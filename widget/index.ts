/**
 * @module The npm entry: `import 'lead-capture'` registers the element; the class and the event
 * classes are exported for typing and subclassing.
 */
import './define.ts';

export * from './events.ts';
export { LeadCapture } from './lead-capture.ts';
export type { Locale, LocaleStrings, Strings } from './locales.ts';
