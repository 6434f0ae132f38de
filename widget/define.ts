/**
 * @module Registers `<lead-capture>` (once, even if two bundles load it).
 */
import { LeadCapture } from './lead-capture.ts';

if (!customElements.get('lead-capture')) customElements.define('lead-capture', LeadCapture);
