/**
 * @module The delivery queue's message: only ids, so a lead's data stays in D1 and a message can be
 * sent again (replay) without copying anything; and the one way a stored lead's deliveries are put
 * on it, or left for the sweep or marked failed where the queue refuses them, so nothing stored is
 * lost unseen.
 */
import { dbOf } from '../storage/shards.ts';
import { type DeliveryRow, failUnqueued } from './store.ts';

export interface DeliveryMessage {
  deliveryId: string;
  leadId: string;
  formId: string;
  destination: number;
  /** Times the consumer put this message back because D1 could not be read (none is an attempt). */
  deferrals?: number;
}

const MAX_BATCH = 100;

export async function enqueueDeliveries(
  queue: Queue<DeliveryMessage>,
  messages: readonly DeliveryMessage[],
  delaySeconds = 0,
): Promise<void> {
  // Cloudflare Queues takes at most 100 messages a batch (the sweep may have more).
  for (let start = 0; start < messages.length; start += MAX_BATCH) {
    await queue.sendBatch(messages.slice(start, start + MAX_BATCH).map((body) => ({ body, delaySeconds })));
  }
}

/** The message of a stored delivery or step of a lead of `formId`. */
export function messageOf(formId: string, row: Pick<DeliveryRow, 'id' | 'lead_id' | 'destination'>): DeliveryMessage {
  return { deliveryId: row.id, leadId: row.lead_id, formId, destination: row.destination };
}

/**
 * Whether a queue's refusal is its throughput limit (5,000 messages/s per queue): it passes, so the
 * deliveries are left pending for the sweep to queue once the window is over.
 */
export function isQueueOverLimit(error: unknown): boolean {
  return /Too Many Requests/i.test(String(error));
}

/**
 * Queues a stored lead's deliveries. Where the queue refuses them, the lead is stored all the same:
 * over the queue's rate limit they stay pending and the sweep queues them (STRANDED_AFTER_SECONDS
 * later); refused for any other reason they show as failed, with the reason, so an operator sees
 * them and replays them.
 */
export async function queueOrFail(env: Env, formId: string, leadId: string, rows: readonly DeliveryRow[], at: string) {
  try {
    await enqueueDeliveries(
      env.DELIVERIES,
      rows.map((row) => messageOf(formId, row)),
    );
  } catch (error) {
    const overLimit = isQueueOverLimit(error);
    console.error(
      JSON.stringify({
        at,
        leadId,
        error: `queue send failed: ${String(error)}`,
        left: overLimit ? 'pending' : 'failed',
      }),
    );
    if (!overLimit) await failUnqueued(dbOf(env, leadId), leadId, rows);
  }
}
