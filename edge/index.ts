/**
 * @module The Worker: HTTP through the Hono app, deliveries through the queue consumers, and every
 * minute (Cron Trigger) the sweep that requeues anything stored but never queued.
 */
import { app } from './app.ts';
import { handleDeadLetterBatch, handleDeliveryBatch } from './delivery/consumer.ts';
import type { DeliveryMessage } from './delivery/queue.ts';
import { sweepStranded } from './delivery/sweep.ts';

export { RateLimiter } from './security/rate-limiter.ts';

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith('-dlq')) await handleDeadLetterBatch(batch, env);
    else await handleDeliveryBatch(batch, env);
  },
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(sweepStranded(env));
  },
} satisfies ExportedHandler<Env, DeliveryMessage>;
