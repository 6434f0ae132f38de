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
