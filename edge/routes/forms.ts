/**
 * @module `GET /v1/forms/:formId`: the public definition the widget renders. Never a secret, an
 * origin list or a destination. The texts it shows join their history after the answer is sent.
 */
import { Hono } from 'hono';
import { publicForm } from '../forms/index.ts';
import { keepShownTexts } from '../forms/texts-history.ts';
import { openShards } from '../storage/shards.ts';
import { type FormVariables, formAccess } from './form-access.ts';

export const formRoutes = new Hono<{ Bindings: Env; Variables: FormVariables }>()
  .use('/:formId', formAccess())
  .get('/:formId', (c) => {
    const form = c.get('form');
    // Into each shard that takes leads, where the leads consented under them will be.
    for (const shard of openShards(c.env)) {
      c.executionCtx.waitUntil(
        keepShownTexts(shard.db, form).catch((error: unknown) => {
          // The lead's own batch keeps its texts too: a failed write here loses no evidence.
          console.error(JSON.stringify({ at: 'form-texts', formId: form.id, error: String(error) }));
        }),
      );
    }
    return c.json(publicForm(form), 200, { 'Cache-Control': 'public, max-age=60' });
  });
