/**
 * @module The sweep a Cron Trigger runs every minute: a lead stored but never queued (the relay
 * died between D1 and the queue) and a step whose delivery was delivered but that was never queued
 * (the consumer died in between) are put back on the queue, so no stored lead or step is left behind.
 */
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

export async function sweepStranded(env: Env, now = Date.now()): Promise<number> {
  const stranded = await takeStranded(env.DB, new Date(now - strandedAfterMs(env)).toISOString());
  await enqueueDeliveries(
    env.DELIVERIES,
    stranded.map((d) => ({ deliveryId: d.id, leadId: d.lead_id, formId: d.form_id, destination: d.destination })),
  );
  if (stranded.length > 0) console.log(JSON.stringify({ at: 'sweep', requeued: stranded.length }));
  return stranded.length;
}
