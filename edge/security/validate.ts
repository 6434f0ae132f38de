/**
 * @module Typed validation on Hono's own terms: a route's JSON body (read safely by `jsonBody`
 * first) or its query, checked against a zod schema (classic or mini), refused with 400
 * `validation_failed` naming each field and rule, and handed to the handler as
 * `c.req.valid('json' | 'query')`, typed by the schema's output.
 */
import type { MiddlewareHandler } from 'hono';
import type * as z from 'zod';
import { toApiIssues } from '../../shared/errors.ts';
import { validationFailed } from '../intake/checks.ts';
import type { JsonBodyVariables } from './json-body.ts';

type Schema = z.core.$ZodType;

/** A value checked against a schema known only at run time (a provider's step parameters). */
export function checked<S extends Schema>(schema: S, value: unknown, prefix: string[] = []): z.output<S> {
  const parsed = (schema as unknown as z.ZodType<z.output<S>>).safeParse(value);
  if (!parsed.success) throw validationFailed(toApiIssues(parsed.error.issues, value, prefix));
  return parsed.data;
}

/** The body `jsonBody` read, checked: `c.req.valid('json')`. */
export function validJson<S extends Schema>(
  schema: S,
): MiddlewareHandler<
  { Variables: JsonBodyVariables },
  string,
  { in: { json: z.input<S> }; out: { json: z.output<S> } }
> {
  return async (c, next) => {
    c.req.addValidatedData('json', checked(schema, c.get('body'), []) as object);
    await next();
  };
}

/** The query, checked, its issues under `query.`: `c.req.valid('query')`. */
export function validQuery<S extends Schema>(
  schema: S,
): MiddlewareHandler<object, string, { in: { query: z.input<S> }; out: { query: z.output<S> } }> {
  return async (c, next) => {
    c.req.addValidatedData('query', checked(schema, c.req.query(), ['query']) as object);
    await next();
  };
}
