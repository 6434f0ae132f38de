/**
 * @module The Worker: HTTP through the Hono app, deliveries through the queue consumers, every
 * minute (Cron Trigger) the sweep that requeues anything stored but never queued and the check of
 * each provider's failure rate, and every hour the purge of personal data past its form's retention.
 */
import { checkFailureRates } from './analytics/alerts.ts';
import { app } from './app.ts';
import { handleDeadLetterBatch, handleDeliveryBatch } from './delivery/consumer.ts';
import type { DeliveryMessage } from './delivery/queue.ts';
import { sweepStranded } from './delivery/sweep.ts';
import { PURGE_CRON, purgeExpired } from './privacy/retention.ts';

export { RateLimiter } from './security/rate-limiter.ts';

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith('-dlq')) await handleDeadLetterBatch(batch, env);
    else await handleDeliveryBatch(batch, env);
  },
  async scheduled(controller, env, ctx) {
    if (controller.cron === PURGE_CRON) ctx.waitUntil(purgeExpired(env.DB, controller.scheduledTime));
    else ctx.waitUntil(Promise.all([sweepStranded(env), checkFailureRates(env, controller.scheduledTime)]));
  },
} satisfies ExportedHandler<Env, DeliveryMessage>;
