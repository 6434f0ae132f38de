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

export async function enqueueDeliveries(
  queue: Queue<DeliveryMessage>,
  messages: readonly DeliveryMessage[],
  delaySeconds = 0,
): Promise<void> {
  if (messages.length === 0) return;
  await queue.sendBatch(messages.map((body) => ({ body, delaySeconds })));
}
