/**
 * @module `POST /v1/forms/:formId/events`: the widget's funnel events (no personal data), from an
 * origin the form allows, within their own rate budget. The widget sends them with
 * `navigator.sendBeacon` as `text/plain` (which needs no CORS preflight, so the consumer never
 * waits on one); `application/json` is taken too. Answers 204.
 */
import { Hono } from 'hono';
import { funnelEventsSchema } from '../../shared/events.ts';
import { recordEvents } from '../analytics/funnel.ts';
import { rateLimit } from '../intake/checks.ts';
import { type JsonBodyVariables, jsonBody } from '../security/json-body.ts';
import { validJson } from '../security/validate.ts';
import { type FormVariables, formAccess } from './form-access.ts';

/** A page sends a handful per lead (view, start, steps, submit, success): ten times the leads' budget. */
const EVENTS_BUDGET = { bucket: 'events', times: 10 };
const MAX_EVENTS_BYTES = 4096;

export const eventRoutes = new Hono<{ Bindings: Env; Variables: FormVariables & JsonBodyVariables }>()
  .use('/:formId/events', formAccess())
  .post(
    '/:formId/events',
    rateLimit(EVENTS_BUDGET),
    jsonBody(MAX_EVENTS_BYTES, ['application/json', 'text/plain']),
    validJson(funnelEventsSchema),
    async (c) => {
      const source = { formId: c.get('form').id, origin: c.req.header('origin') ?? '' };
      await recordEvents(c.env, source, c.req.valid('json'));
      return c.body(null, 204);
    },
  );
