/**
 * @module The sweep a Cron Trigger runs every minute: a lead stored but never queued (the relay
 * died between D1 and the queue) and a step whose delivery was delivered but that was never queued
 * (the consumer died in between) are put back on the queue, so no stored lead or step is left behind.
 */
import { enqueueDeliveries } from './queue.ts';
import { takeStranded } from './store.ts';

/** A delivery untried this long after it was stored (or its delivery was delivered) is stranded. */
export const STRANDED_AFTER_MS = 5 * 60_000;

export async function sweepStranded(env: Env, now = Date.now()): Promise<number> {
  const stranded = await takeStranded(env.DB, new Date(now - STRANDED_AFTER_MS).toISOString());
  await enqueueDeliveries(
    env.DELIVERIES,
    stranded.map((d) => ({ deliveryId: d.id, leadId: d.lead_id, formId: d.form_id, destination: d.destination })),
  );
  if (stranded.length > 0) console.log(JSON.stringify({ at: 'sweep', requeued: stranded.length }));
  return stranded.length;
}
