/**
 * @module `GET /v1/forms/:formId`: the public definition the widget renders. Never a secret, an
 * origin list or a destination.
 */
import { Hono } from 'hono';
import { publicForm } from '../forms/index.ts';
import { type FormVariables, formAccess } from './form-access.ts';

export const formRoutes = new Hono<{ Bindings: Env; Variables: FormVariables }>()
  .use('/:formId', formAccess())
  .get('/:formId', (c) => c.json(publicForm(c.get('form')), 200, { 'Cache-Control': 'public, max-age=60' }));
