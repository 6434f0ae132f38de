/**
 * @module Funnel events: what the widget tells the relay about a form's use, with no personal
 * data (`POST /v1/forms/:formId/events`). The relay rolls them up by hour for the admin page.
 */
import * as z from 'zod/mini';

export const FUNNEL_EVENT_TYPES = [
  'view',
  'start',
  'step',
  'submit',
  'success',
  'error',
  'offers_shown',
  'offers_chosen',
] as const;
export type FunnelEventType = (typeof FUNNEL_EVENT_TYPES)[number];

export const funnelEventSchema = z.strictObject({
  type: z.enum(FUNNEL_EVENT_TYPES),
  /** The step reached (0 is the first), for `step`. */
  step: z.optional(z.int().check(z.minimum(0), z.maximum(50))),
  /** An error's code (the relay's, or the widget's own such as `network`), for `error`. */
  code: z.optional(z.string().check(z.regex(/^[a-z_]{1,40}$/))),
  /** How many offers were shown or chosen. */
  count: z.optional(z.int().check(z.minimum(0), z.maximum(100))),
  /** When it happened on the page (ms since epoch); the relay files it under the hour it arrives. */
  at: z.number(),
});
export type FunnelEvent = z.infer<typeof funnelEventSchema>;

export const funnelEventsSchema = z.strictObject({
  events: z.array(funnelEventSchema).check(z.minLength(1), z.maxLength(20)),
  /** The page's `utm_source`, so the funnel splits by it as leads do (as long as a lead's may be). */
  utm_source: z.optional(z.string().check(z.maxLength(2000))),
});
export type FunnelEvents = z.infer<typeof funnelEventsSchema>;
