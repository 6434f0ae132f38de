/**
 * @module What a partner's page sends to `POST /v1/forms/:formId/leads` and what it gets back.
 * `fields` are checked against the form's own schema (see form.ts) once the form is known.
 */
import * as z from 'zod/mini';
import { CONSENT_MARKUP_MAX_LENGTH } from './context-keys.ts';

// `.check()` is a method call a bundler must assume has effects; marked pure, a bundle that reaches
// this module without using its schemas can leave them out.
const contextValue = z.optional(/* @__PURE__ */ z.string().check(z.maxLength(2000)));

/**
 * A consent token (context-keys.ts) as its vendor makes it; anything else a page's script left there
 * is dropped, not refused: the consumer cannot fix it, and the lead must not fail for it.
 */
const consentToken = (shape: RegExp) =>
  /* @__PURE__ */ z.optional(z.catch(z.optional(z.string().check(z.regex(shape))), undefined));

/** Written out key by key (not mapped from context-keys.ts) so that each key keeps its own type. */
export const leadContextSchema = z.strictObject({
  utm_source: contextValue,
  utm_medium: contextValue,
  utm_campaign: contextValue,
  utm_term: contextValue,
  utm_content: contextValue,
  gclid: contextValue,
  fbclid: contextValue,
  pageUrl: contextValue,
  referrer: contextValue,
  /** When the widget rendered the form (ms since epoch): lets the relay refuse instant bot posts. */
  renderedAt: z.optional(z.number()),
  locale: z.optional(/* @__PURE__ */ z.string().check(z.maxLength(20))),
  /**
   * TrustedForm's certificate URL: `https://cert.trustedform.com/` and the certificate id, 40 hex
   * digits for a web certificate; TrustedForm's API allows other ids of up to 255 characters.
   */
  xxTrustedFormCertUrl: consentToken(/^https:\/\/cert\.trustedform\.com\/[\w.-]{1,255}$/),
  /** Jornaya's LeadiD: 36 characters shaped like a GUID (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX). */
  leadid_token: consentToken(/^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/i),
});
export type LeadContext = z.infer<typeof leadContextSchema>;

/**
 * The consent section's markup as the widget rendered it when the consumer submitted (the form's
 * consents, or the offers with their texts), Lit's comment markers stripped and no answer in it.
 */
export const consentMarkupSchema = z.optional(/* @__PURE__ */ z.string().check(z.maxLength(CONSENT_MARKUP_MAX_LENGTH)));

export const leadSubmissionSchema = z.strictObject({
  fields: z.record(z.string(), z.unknown()),
  consent: z.optional(z.record(z.string(), z.boolean())),
  context: z.optional(leadContextSchema),
  consentMarkup: consentMarkupSchema,
  turnstileToken: z.optional(/* @__PURE__ */ z.string().check(z.maxLength(2048))),
  /** The honeypot: people never see it, so anything in it marks a bot. */
  website: z.optional(z.string()),
});
export type LeadSubmission = z.infer<typeof leadSubmissionSchema>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'rejected', 'retrying', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const LEAD_STATUSES = ['accepted', 'delivered', 'partially_delivered', 'rejected', 'failed'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const leadAcceptedSchema = z.object({
  leadId: z.string(),
  status: z.enum(LEAD_STATUSES),
  deliveries: z.array(z.object({ provider: z.string(), status: z.enum(DELIVERY_STATUSES) })),
  /** LeadExec "insert with sends" delivered at once: the buyer's page to take the consumer to. */
  redirectUrl: z.optional(z.string()),
  /** LeadExec "call transfer" delivered at once: the agent the consumer should call now. */
  transfer: z.optional(z.object({ agentName: z.string(), agentPhone: z.string() })),
});
export type LeadAccepted = z.infer<typeof leadAcceptedSchema>;
