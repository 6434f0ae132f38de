/**
 * @module The element's events, declared once: each bubbles, crosses the shadow boundary, and has a
 * typed `detail` that `addEventListener` knows about through `GlobalEventHandlersEventMap`.
 */
import type { Offer } from '../shared/ping-post.ts';

abstract class LeadEvent<Detail> extends Event {
  readonly detail: Detail;
  constructor(type: string, detail: Detail) {
    super(type, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** The form definition loaded and the form is ready for input. */
export class LeadReadyEvent extends LeadEvent<{ formId: string }> {
  constructor(detail: { formId: string }) {
    super('lead-ready', detail);
  }
}

/** The consumer moved to another step (0-based). */
export class LeadStepEvent extends LeadEvent<{ step: number; steps: number }> {
  constructor(detail: { step: number; steps: number }) {
    super('lead-step', detail);
  }
}

/** The consumer submitted; the lead is on its way to the relay. */
export class LeadSubmitEvent extends LeadEvent<{ formId: string }> {
  constructor(detail: { formId: string }) {
    super('lead-submit', detail);
  }
}

/** The relay stored the lead. */
export class LeadSuccessEvent extends LeadEvent<{ leadId: string }> {
  constructor(detail: { leadId: string }) {
    super('lead-success', detail);
  }
}

/** Something failed: `code` is the relay's error code (or `network_error`). */
export class LeadErrorEvent extends LeadEvent<{ code: string; message: string }> {
  constructor(detail: { code: string; message: string }) {
    super('lead-error', detail);
  }
}

/** The relay answered a ping with offers to show. */
export class LeadOffersEvent extends LeadEvent<{ offers: readonly Offer[] }> {
  constructor(detail: { offers: readonly Offer[] }) {
    super('lead-offers', detail);
  }
}

/** The consumer chose these offers (none: an empty list) and the post is on its way. */
export class LeadOfferAcceptEvent extends LeadEvent<{ offerIds: readonly string[] }> {
  constructor(detail: { offerIds: readonly string[] }) {
    super('lead-offer-accept', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'lead-ready': LeadReadyEvent;
    'lead-step': LeadStepEvent;
    'lead-submit': LeadSubmitEvent;
    'lead-success': LeadSuccessEvent;
    'lead-error': LeadErrorEvent;
    'lead-offers': LeadOffersEvent;
    'lead-offer-accept': LeadOfferAcceptEvent;
  }
}
