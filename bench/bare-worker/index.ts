/**
 * The least a lead intake can do on Workers with Hono: route, parse the JSON body, answer 202. The
 * relay's req/s is reported as a ratio of this worker's under the same load.
 */
import { Hono } from 'hono';

export default new Hono().post('/v1/forms/:formId/leads', async (c) => {
  await c.req.json();
  return c.json({ status: 'accepted' }, 202);
});
