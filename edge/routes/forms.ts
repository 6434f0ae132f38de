/**
 * @module `GET /v1/forms/:formId`: the public definition the widget renders. Never a secret, an
 * origin list or a destination. The texts it shows join their history after the answer is sent.
 */
import { Hono } from 'hono';
import { publicForm } from '../forms/index.ts';
import { keepShownTexts } from '../forms/texts-history.ts';
import { type FormVariables, formAccess } from './form-access.ts';

export const formRoutes = new Hono<{ Bindings: Env; Variables: FormVariables }>()
  .use('/:formId', formAccess())
  .get('/:formId', (c) => {
    const form = c.get('form');
    c.executionCtx.waitUntil(
      keepShownTexts(c.env.DB, form).catch((error: unknown) => {
        // The lead's own batch keeps its texts too: a failed write here loses no evidence.
        console.error(JSON.stringify({ at: 'form-texts', formId: form.id, error: String(error) }));
      }),
    );
    return c.json(publicForm(form), 200, { 'Cache-Control': 'public, max-age=60' });
  });
