/**
 * @module The Worker: HTTP through the Hono app, deliveries through the queue consumers, and the
 * maintenance the Cron Triggers run: every minute the import of spilled leads into D1, the sweep
 * that requeues anything stored but never queued, the check of each provider's failure rate and
 * the archive of finished leads past their form's window; every hour the purge of personal data
 * past its form's retention.
 */
import { checkFailureRates } from './analytics/alerts.ts';
import { app } from './app.ts';
import { maintainArchive } from './archive/maintenance.ts';
import { handleDeadLetterBatch, handleDeliveryBatch } from './delivery/consumer.ts';
import type { DeliveryMessage } from './delivery/queue.ts';
import { sweepStranded } from './delivery/sweep.ts';
import { importSpill } from './intake/spill-import.ts';
import { PURGE_CRON, purgeExpired } from './privacy/retention.ts';

export { RateLimiter } from './security/rate-limiter.ts';

/**
 * A Cron Trigger's run has 15 minutes of wall time: work that pages (the purge, the import, the
 * sweep) starts nothing new after this much, and the next run goes on.
 */
const RUN_BUDGET_MS = 10 * 60_000;

/** Each task of a run on its own: one failing (D1 refusing, say) stops none of the others. */
async function settledAll(tasks: readonly Promise<unknown>[]): Promise<void> {
  for (const result of await Promise.allSettled(tasks)) {
    if (result.status === 'rejected')
      console.error(JSON.stringify({ at: 'maintenance', error: String(result.reason) }));
  }
}

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith('-dlq')) await handleDeadLetterBatch(batch, env);
    else await handleDeliveryBatch(batch, env);
  },
  async scheduled(controller, env, ctx) {
    const deadline = Date.now() + RUN_BUDGET_MS;
    if (controller.cron === PURGE_CRON)
      ctx.waitUntil(settledAll([purgeExpired(env, controller.scheduledTime, deadline)]));
    else {
      ctx.waitUntil(
        settledAll([
          importSpill(env, deadline),
          sweepStranded(env, Date.now(), deadline),
          checkFailureRates(env, controller.scheduledTime),
          maintainArchive(env, controller.scheduledTime, deadline),
        ]),
      );
    }
  },
} satisfies ExportedHandler<Env, DeliveryMessage>;
