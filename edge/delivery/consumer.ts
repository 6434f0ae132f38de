/**
 * @module The queue consumer: delivers one destination per message, records every attempt, and
 * acknowledges messages one by one so one failure never redelivers the others. A destination that
 * succeeded (or was refused) is never sent again, however often the queue redelivers its message.
 */
import type { CanonicalLead, DeliveryResult } from '../providers/types.ts';
import { ConfigurationError, resolveDestination } from './destination.ts';
import type { DeliveryMessage } from './queue.ts';
import { backoffSeconds, deliverySettings, retryDelaySeconds } from './settings.ts';
import { claimAttempt, getDelivery, getLead, recordAttempt, refreshLeadStatus, setDeliveryStatus } from './store.ts';

export type DeliveryAction = { kind: 'ack' } | { kind: 'retry'; delaySeconds: number } | { kind: 'dead-letter' };

async function attemptDelivery(env: Env, message: DeliveryMessage, lead: CanonicalLead, timeoutMs: number) {
  const startedAt = new Date();
  let result: DeliveryResult;
  try {
    const { adapter, destination, baseUrl, apiKey } = resolveDestination(env, message.formId, message.destination);
    result = await adapter.deliver(lead, {
      options: destination.options,
      baseUrl,
      apiKey,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason =
      error instanceof ConfigurationError
        ? `configuration: ${error.message}`
        : error instanceof DOMException && error.name === 'TimeoutError'
          ? `timed out after ${timeoutMs} ms`
          : `network error: ${error instanceof Error ? error.message : String(error)}`;
    result = { outcome: 'retryable', reason, httpStatus: null, response: '' };
  }
  return { result, startedAt, durationMs: Date.now() - startedAt.getTime() };
}

/** Delivers the message's destination once and says what the queue should do with the message. */
export async function deliverMessage(env: Env, message: DeliveryMessage): Promise<DeliveryAction> {
  const delivery = await getDelivery(env.DB, message.deliveryId);
  if (!delivery || delivery.status === 'delivered' || delivery.status === 'rejected') return { kind: 'ack' };
  const settings = deliverySettings(env);
  // Its last attempt is spent and recorded, but the message came back (its dead-lettering failed,
  // or the queue delivered it twice): it goes to the dead-letter queue, not to the provider again.
  if (delivery.status === 'failed' && delivery.attempts - delivery.replay_from >= settings.maxAttempts) {
    return { kind: 'dead-letter' };
  }
  const stored = await getLead(env.DB, message.leadId);
  if (!stored) return { kind: 'ack' };
  // Another message for this delivery (a replay, a redelivery) is on it right now: this one stands down.
  if (!(await claimAttempt(env.DB, delivery))) return { kind: 'ack' };

  const attempt = delivery.attempts + 1;
  const { result, startedAt, durationMs } = await attemptDelivery(env, message, stored.lead, settings.timeoutMs);
  const lastChance = attempt - delivery.replay_from >= settings.maxAttempts;
  const status =
    result.outcome === 'delivered'
      ? 'delivered'
      : result.outcome === 'rejected'
        ? 'rejected'
        : lastChance
          ? 'failed'
          : 'retrying';
  await recordAttempt(env.DB, {
    deliveryId: delivery.id,
    leadId: delivery.lead_id,
    attempt,
    startedAt: startedAt.toISOString(),
    durationMs,
    result,
    status,
  });
  if (result.outcome !== 'retryable') return { kind: 'ack' };
  if (lastChance) return { kind: 'dead-letter' };
  return {
    kind: 'retry',
    delaySeconds: retryDelaySeconds(attempt, settings.backoffBaseSeconds, result.retryAfterSeconds),
  };
}

export async function handleDeliveryBatch(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      const action = await deliverMessage(env, message.body);
      if (action.kind === 'retry') {
        message.retry({ delaySeconds: action.delaySeconds });
      } else {
        if (action.kind === 'dead-letter') await env.DEAD_LETTERS.send(message.body);
        message.ack();
      }
    } catch (error) {
      // D1 or the queue itself failed: let the queue try this message again; the others stand.
      console.error(JSON.stringify({ at: 'delivery', deliveryId: message.body.deliveryId, error: String(error) }));
      message.retry({ delaySeconds: backoffSeconds(message.attempts, deliverySettings(env).backoffBaseSeconds) });
    }
  }
}

/**
 * Messages reach the dead-letter queue after their last attempt, or when the consumer itself kept
 * failing. Either way the delivery must show as failed, so an operator sees it and can replay it.
 */
export async function handleDeadLetterBatch(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const delivery = await getDelivery(env.DB, message.body.deliveryId);
    // A replay that has not made its first attempt yet is newer than this dead letter: leave it be.
    const freshReplay =
      delivery?.status === 'retrying' && delivery.attempts === delivery.replay_from && delivery.replay_from > 0;
    if (delivery && !freshReplay && delivery.status !== 'delivered' && delivery.status !== 'rejected') {
      await setDeliveryStatus(env.DB, delivery.id, 'failed', delivery.last_error ?? 'dead-lettered');
      await refreshLeadStatus(env.DB, delivery.lead_id);
    }
    message.ack();
  }
}
