/**
 * @module The LeadExec ping → offers → consent → post contract between the widget and the relay
 * (`POST /v1/forms/:formId/ping`, `POST /v1/forms/:formId/sessions/:sessionId/post`). The order id
 * never appears here: the relay keeps it with the offers it presented.
 */
import * as z from 'zod/mini';
import { consentMarkupSchema, leadContextSchema } from './lead.ts';

export const offerSchema = z.object({
  offerId: z.string(),
  companyName: z.string(),
  companyPhoneNumber: z.string(),
  name: z.string(),
  description: z.string(),
  type: z.string(),
  price: z.number(),
  url: z.string(),
  tcpa: z.object({
    required: z.boolean(),
    /** The exact consent text shown: the offer's custom text, or the form's default. */
    text: z.string(),
    privacyUrl: z.string(),
    termsUrl: z.string(),
  }),
});
export type Offer = z.infer<typeof offerSchema>;

export const pingRequestSchema = z.strictObject({
  fields: z.record(z.string(), z.unknown()),
  context: z.optional(leadContextSchema),
});
export type PingRequest = z.infer<typeof pingRequestSchema>;

/** What the widget does when there is nothing to choose: post the lead plainly, or say no match. */
export const PING_FALLBACKS = ['post', 'no_match'] as const;

export const pingResponseSchema = z.object({
  sessionId: z.string(),
  willAccept: z.boolean(),
  expiresAt: z.string(),
  offers: z.array(offerSchema),
  fallback: z.optional(z.enum(PING_FALLBACKS)),
});
export type PingResponse = z.infer<typeof pingResponseSchema>;

export const postRequestSchema = z.strictObject({
  fields: z.record(z.string(), z.unknown()),
  offerIds: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(20)),
  consent: z.record(z.string(), z.boolean()),
  context: z.optional(leadContextSchema),
  consentMarkup: consentMarkupSchema,
});
export type PostRequest = z.infer<typeof postRequestSchema>;

export const postResponseSchema = z.object({
  leadId: z.string(),
  status: z.string(),
  acceptedOffers: z.array(z.string()),
  redirectUrl: z.optional(z.string()),
  transfer: z.optional(z.object({ agentName: z.string(), agentPhone: z.string() })),
});
export type PostResponse = z.infer<typeof postResponseSchema>;
