import type { DeliveryAction } from './consumer.ts';

/**
 * @module The delivery queue's message: only ids, so a lead's data stays in D1 and a message can be
 * sent again (replay) without copying anything.
 */
export interface DeliveryMessage {
  deliveryId: string;
  leadId: string;
  formId: string;
  destination: number;
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

/**
 * Hands a message whose first attempt was made inside a request to the queue, as the consumer
 * would have: a retry later, or the dead-letter queue after the last attempt.
 */
export async function continueOnQueue(env: Env, message: DeliveryMessage, action: DeliveryAction): Promise<void> {
  if (action.kind === 'retry') await enqueueDeliveries(env.DELIVERIES, [message], action.delaySeconds);
  else if (action.kind === 'dead-letter') await env.DEAD_LETTERS.send(message);
}
