/**
 * @module The sweep a Cron Trigger runs every minute: a lead stored but never queued (the relay
 * died between D1 and the queue) and a step whose delivery was delivered but that was never queued
 * (the consumer died in between) are put back on the queue, so no stored lead or step is left behind.
 */
import { shards } from '../storage/shards.ts';
import { enqueueDeliveries } from './queue.ts';
import { takeStranded } from './store.ts';

/**
 * A delivery untouched this long past its due time is stranded (`STRANDED_AFTER_SECONDS`, default
 * five minutes: far longer than a queue takes to hand a message on).
 */
export function strandedAfterMs(env: Env): number {
  const seconds = Number(env.STRANDED_AFTER_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 300) * 1000;
}

/** Rows taken per page: each page is two D1 queries and at most five queue sends. */
const PAGE = 500;
/** Under D1's 1,000 queries per invocation, with room for the rest of the run. */
const MAX_PAGES = 200;

/**
 * Requeues every stranded delivery and step, a page at a time, until none is left or `deadline`
 * (ms) passes. A page the queue refuses stays taken for one window, then the next sweep finds it.
 */
export async function sweepStranded(env: Env, now = Date.now(), deadline = Number.POSITIVE_INFINITY): Promise<number> {
  const olderThan = new Date(now - strandedAfterMs(env)).toISOString();
  let requeued = 0;
  // Shard after shard, within one budget of pages: the queries are per invocation, not per database.
  let pages = 0;
  for (const { db } of shards(env)) {
    for (; pages < MAX_PAGES && Date.now() < deadline; pages++) {
      const stranded = await takeStranded(db, olderThan, PAGE);
      await enqueueDeliveries(
        env.DELIVERIES,
        stranded.map((d) => ({ deliveryId: d.id, leadId: d.lead_id, formId: d.form_id, destination: d.destination })),
      );
      requeued += stranded.length;
      if (stranded.length < PAGE) break;
    }
  }
  if (requeued > 0) console.log(JSON.stringify({ at: 'sweep', requeued }));
  return requeued;
}
