/**
 * @module What a partner's page sends to `POST /v1/forms/:formId/leads` and what it gets back.
 * `fields` are checked against the form's own schema (see form.ts) once the form is known.
 */
import * as z from 'zod/mini';

// `.check()` is a method call a bundler must assume has effects; marked pure, a bundle that reaches
// this module without using its schemas can leave them out.
const contextValue = z.optional(/* @__PURE__ */ z.string().check(z.maxLength(2000)));

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
});
export type LeadContext = z.infer<typeof leadContextSchema>;

export const leadSubmissionSchema = z.strictObject({
  fields: z.record(z.string(), z.unknown()),
  consent: z.optional(z.record(z.string(), z.boolean())),
  context: z.optional(leadContextSchema),
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
