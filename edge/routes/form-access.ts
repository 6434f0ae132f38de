/**
 * @module The guard every `/v1/forms/:formId/*` route shares: the form must exist and the caller's
 * origin must be one the form allows (CORS answers exactly that origin). A GET without an Origin
 * (a server or curl reading the definition) is served; a POST without one is not.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';
import { forms } from '../forms/index.ts';
import type { FormConfig } from '../forms/schema.ts';
import { corsHeaders, originAllowed } from '../security/origin.ts';

export type FormVariables = { form: FormConfig };

export const formAccess = (): MiddlewareHandler<{ Variables: FormVariables }> => async (c, next) => {
  const form = forms.get(c.req.param('formId') ?? '');
  const origin = c.req.header('origin');
  const allowed = form ? originAllowed(form, origin) : false;
  const cors = allowed && origin ? corsHeaders(origin) : {};
  if (!form) throw new ApiError('form_not_found', 'No form has this id', { headers: cors });
  if (c.req.method === 'OPTIONS') {
    if (!allowed) throw new ApiError('origin_not_allowed', 'This origin may not use this form');
    return c.body(null, 204, cors);
  }
  if (!allowed && (c.req.method !== 'GET' || origin !== undefined)) {
    throw new ApiError('origin_not_allowed', 'This origin may not use this form');
  }
  c.set('form', form);
  await next();
  for (const [name, value] of Object.entries(cors)) c.res.headers.set(name, value);
  // Answers differ by Origin (CORS headers or none), so a cache must key them by it.
  c.res.headers.set('Vary', 'Origin');
};
