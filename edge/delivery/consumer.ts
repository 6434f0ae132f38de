/**
 * @module The queue consumer: delivers one destination (or runs one step) per message, records
 * every attempt, and acknowledges messages one by one so one failure never redelivers the others.
 * A delivery or step that succeeded (or was refused) is never sent again, however often the queue
 * redelivers its message. A step runs only once the delivery it follows is delivered; that
 * delivery's success sends the steps that were waiting for it.
 */
import { sendAlert } from '../analytics/alerts.ts';
import type { CanonicalLead, DeliveryResult } from '../providers/types.ts';
import { dbOf } from '../storage/shards.ts';
import { ConfigurationError, resolveDestination } from './destination.ts';
import { type DeliveryMessage, enqueueDeliveries } from './queue.ts';
import { backoffSeconds, deliverySettings, retryDelaySeconds } from './settings.ts';
import {
  claimAttempts,
  type DeliveryAndLead,
  type DeliveryRow,
  getDeliveriesAndLeads,
  getDelivery,
  recordAttempt,
  refreshLeadStatus,
  refuseWaitingSteps,
  setDeliveryStatus,
} from './store.ts';

/** D1 failed before any provider was called: the message comes back, and no attempt is counted. */
export class NotAttempted extends Error {
  constructor(cause: unknown) {
    super(`not attempted: ${String(cause)}`, { cause });
  }
}

function notAttempted<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw new NotAttempted(error);
  });
}

/** A message put back for D1 waits longer each time, up to this; past `MAX_DEFERRALS` it counts. */
const MAX_DEFERRAL_SECONDS = 15 * 60;
const MAX_DEFERRALS = 100;

export type DeliveryAction = { kind: 'ack' } | { kind: 'retry'; delaySeconds: number } | { kind: 'dead-letter' };

/** What the queue should do with the message, and the attempt's result when one was made. */
export interface AttemptOutcome {
  action: DeliveryAction;
  result?: DeliveryResult;
}

async function attemptDelivery(
  env: Env,
  message: DeliveryMessage,
  delivery: DeliveryRow,
  lead: CanonicalLead,
  reference: string | null,
  timeoutMs: number,
) {
  const startedAt = new Date();
  let result: DeliveryResult;
  try {
    const { adapter, destination, baseUrl, apiKey } = resolveDestination(env, message.formId, message.destination);
    const context = { options: destination.options, baseUrl, apiKey, signal: AbortSignal.timeout(timeoutMs) };
    const step = delivery.kind === 'lead' ? undefined : adapter.steps?.[delivery.kind];
    if (delivery.kind !== 'lead' && !step)
      throw new ConfigurationError(`${adapter.name} has no step "${delivery.kind}"`);
    result = step
      ? await step.run(lead, JSON.parse(delivery.payload ?? 'null'), context, reference)
      : await adapter.deliver(lead, context);
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

/** How an attempt made inside a request differs from the queue's. */
export interface AttemptOptions {
  /** Shorter than the delivery timeout when someone waits for the answer. */
  timeoutMs?: number;
  /** Whether a delivered delivery puts the steps waiting for it on the queue. Default true; false
   * when the caller runs them itself (the stranded-delivery sweep catches a caller that dies first). */
  sendWaitingSteps?: boolean;
}

/**
 * How an attempt reads its delivery and lead and claims the attempt: on its own, or through the
 * round trips its queue batch shares (`handleDeliveryBatch`).
 */
export interface AttemptIo {
  read: Promise<DeliveryAndLead | undefined>;
  claim: (delivery: DeliveryRow) => Promise<boolean>;
}

function readOne(db: D1Database, message: DeliveryMessage): Promise<DeliveryAndLead | undefined> {
  return getDeliveriesAndLeads(db, [message]).then(([one]) => one);
}

function ownIo(db: D1Database, message: DeliveryMessage): AttemptIo {
  return {
    read: readOne(db, message),
    claim: async (delivery) => (await claimAttempts(db, [delivery]))[0] === true,
  };
}

/**
 * Claims asked for in the same turn of the event loop go to D1 together, in one round trip. A failed
 * round trip fails each claim in it, and with it only messages that have not called a provider yet.
 */
function claimTogether(db: D1Database): AttemptIo['claim'] {
  let waiting: { delivery: DeliveryRow; settle: (claimed: Promise<boolean>) => void }[] = [];
  const flush = () => {
    const taken = waiting;
    waiting = [];
    const claimed = claimAttempts(
      db,
      taken.map((w) => w.delivery),
    );
    taken.forEach((w, i) => {
      w.settle(claimed.then((all) => all[i] === true));
    });
  };
  return (delivery) =>
    new Promise<Promise<boolean>>((settle) => {
      if (waiting.length === 0) setTimeout(flush, 0);
      waiting.push({ delivery, settle });
    }).then((claimed) => claimed);
}

/**
 * Makes one attempt at the message's delivery or step and says what the queue should do next. The
 * relay also calls it inside a request, with a shorter `timeoutMs`, when the consumer waits for the
 * answer (a LeadExec redirect or agent, the offers accepted, an operator's update).
 */
export async function attemptMessage(
  env: Env,
  message: DeliveryMessage,
  { timeoutMs, sendWaitingSteps = true }: AttemptOptions = {},
  io: AttemptIo = ownIo(dbOf(env, message.leadId), message),
): Promise<AttemptOutcome> {
  const ack: AttemptOutcome = { action: { kind: 'ack' } };
  const db = dbOf(env, message.leadId);
  const { delivery, stored } = (await notAttempted(io.read)) ?? { delivery: null, stored: null };
  if (!delivery || delivery.status === 'delivered' || delivery.status === 'rejected') return ack;
  const settings = deliverySettings(env);
  // Its last attempt is spent and recorded, but the message came back (its dead-lettering failed,
  // or the queue delivered it twice): it goes to the dead-letter queue, not to the provider again.
  if (delivery.status === 'failed' && delivery.attempts - delivery.replay_from >= settings.maxAttempts) {
    return { action: { kind: 'dead-letter' } };
  }
  // Its personal data was erased or purged: nothing may be sent (the removal refused it too).
  if (!stored || stored.purgedAt) return ack;
  let reference: string | null = null;
  if (delivery.kind !== 'lead') {
    const after = delivery.after_id ? await notAttempted(getDelivery(db, delivery.after_id)) : null;
    // Not yet: the delivery it follows sends it once delivered.
    if (after?.status !== 'delivered') return ack;
    reference = after.reference;
  }
  // Another message for this delivery (a replay, a redelivery) is on it right now: this one stands down.
  if (!(await notAttempted(io.claim(delivery)))) return ack;

  const attempt = delivery.attempts + 1;
  const { result, startedAt, durationMs } = await attemptDelivery(
    env,
    message,
    delivery,
    stored.lead,
    reference,
    timeoutMs ?? settings.timeoutMs,
  );
  const lastChance = attempt - delivery.replay_from >= settings.maxAttempts;
  const status =
    result.outcome === 'delivered'
      ? 'delivered'
      : result.outcome === 'rejected'
        ? 'rejected'
        : lastChance
          ? 'failed'
          : 'retrying';
  const delaySeconds =
    result.outcome === 'retryable' && !lastChance
      ? retryDelaySeconds(attempt, settings.backoffBaseSeconds, result.retryAfterSeconds)
      : 0;
  const steps = await recordAttempt(db, {
    deliveryId: delivery.id,
    leadId: delivery.lead_id,
    attempt,
    startedAt: startedAt.toISOString(),
    durationMs,
    result,
    status,
    ...(status === 'retrying' ? { nextAttemptAt: new Date(Date.now() + delaySeconds * 1000).toISOString() } : {}),
  });
  if (status === 'rejected') await refuseWaitingSteps(db, delivery.id, delivery.lead_id);
  if (sendWaitingSteps && steps.length > 0) {
    await enqueueDeliveries(
      env.DELIVERIES,
      steps.map((s) => ({ deliveryId: s.id, leadId: s.lead_id, formId: message.formId, destination: s.destination })),
    );
  }
  if (result.outcome !== 'retryable') return { action: { kind: 'ack' }, result };
  if (lastChance) return { action: { kind: 'dead-letter' }, result };
  return { action: { kind: 'retry', delaySeconds }, result };
}

/**
 * One attempt inside a request (someone waits for its answer), after which the queue takes over as
 * if its consumer had made the attempt: a retry later, or the dead-letter queue after the last. An
 * attempt that cannot be made at all (D1 or the queue failing) leaves the message on the queue, or
 * failing that to the sweep, which finds any delivery left untouched. Answers the attempt's result.
 */
export async function attemptNow(
  env: Env,
  message: DeliveryMessage,
  options: AttemptOptions = {},
): Promise<DeliveryResult | undefined> {
  try {
    const { action, result } = await attemptMessage(env, message, options);
    if (action.kind === 'retry') await enqueueDeliveries(env.DELIVERIES, [message], action.delaySeconds);
    else if (action.kind === 'dead-letter') await env.DEAD_LETTERS.send(message);
    return result;
  } catch (error) {
    console.error(JSON.stringify({ at: 'attempt-now', deliveryId: message.deliveryId, error: String(error) }));
    await enqueueDeliveries(env.DELIVERIES, [message]).catch(() => undefined);
    return undefined;
  }
}

/** Delivers the message's destination (or runs its step) once and says what the queue should do. */
export async function deliverMessage(env: Env, message: DeliveryMessage, io?: AttemptIo): Promise<DeliveryAction> {
  return (await attemptMessage(env, message, {}, io)).action;
}

/**
 * The messages of a batch are independent deliveries: they are tried at once, so one slow provider
 * does not hold up the others, and each is acknowledged or retried on its own. What each attempt
 * reads first is read for the whole batch in one D1 round trip (each message on its own if that
 * fails), and their claims go together too; each claim still checks that no one else took its
 * delivery since it was read.
 */
export async function handleDeliveryBatch(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  // A batch may hold leads of several shards: one read and one claim per shard.
  const byShard = new Map<D1Database, Message<DeliveryMessage>[]>();
  for (const message of batch.messages) {
    const db = dbOf(env, message.body.leadId);
    byShard.set(db, [...(byShard.get(db) ?? []), message]);
  }
  const ioOf = new Map<Message<DeliveryMessage>, AttemptIo>();
  for (const [db, messages] of byShard) {
    const reads = getDeliveriesAndLeads(
      db,
      messages.map((m) => m.body),
    ).catch(() => undefined);
    const claim = claimTogether(db);
    messages.forEach((message, i) => {
      // The batch's read failed: each message reads its own, so one bad read holds no other back.
      ioOf.set(message, { read: reads.then((all) => (all ? all[i] : readOne(db, message.body))), claim });
    });
  }
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        const action = await deliverMessage(env, message.body, ioOf.get(message));
        if (action.kind === 'retry') {
          message.retry({ delaySeconds: action.delaySeconds });
        } else {
          if (action.kind === 'dead-letter') await env.DEAD_LETTERS.send(message.body);
          message.ack();
        }
      } catch (error) {
        // D1 or the queue itself failed: let the queue try this message again; the others stand.
        console.error(JSON.stringify({ at: 'delivery', deliveryId: message.body.deliveryId, error: String(error) }));
        const base = deliverySettings(env).backoffBaseSeconds;
        if (error instanceof NotAttempted && (await defer(env, message.body, base))) message.ack();
        else message.retry({ delaySeconds: backoffSeconds(message.attempts, base) });
      }
    }),
  );
}

/**
 * Puts a message that D1 kept from being tried back on the queue as a new message, so an outage of
 * D1 spends none of the queue's retries (whose end is the dead-letter queue); answers whether it did.
 */
async function defer(env: Env, body: DeliveryMessage, baseSeconds: number): Promise<boolean> {
  const deferrals = (body.deferrals ?? 0) + 1;
  if (deferrals > MAX_DEFERRALS) return false;
  const delaySeconds = Math.min(backoffSeconds(deferrals, baseSeconds), MAX_DEFERRAL_SECONDS);
  try {
    await env.DELIVERIES.send({ ...body, deferrals }, { delaySeconds });
    return true;
  } catch {
    return false;
  }
}

/**
 * Messages reach the dead-letter queue after their last attempt, or when the consumer itself kept
 * failing. Either way the delivery must show as failed, so an operator sees it and can replay it.
 */
export async function handleDeadLetterBatch(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const db = dbOf(env, message.body.leadId);
    const delivery = await getDelivery(db, message.body.deliveryId);
    // A replay that has not made its first attempt yet is newer than this dead letter: leave it be.
    const freshReplay =
      delivery?.status === 'retrying' && delivery.attempts === delivery.replay_from && delivery.replay_from > 0;
    if (delivery && !freshReplay && delivery.status !== 'delivered' && delivery.status !== 'rejected') {
      await setDeliveryStatus(db, delivery.id, 'failed', delivery.last_error ?? 'dead-lettered');
      await refreshLeadStatus(db, delivery.lead_id);
      // The lead's id, never its answers or the provider's words, which may echo them.
      const what = delivery.kind === 'lead' ? 'a lead' : `a ${delivery.kind} step`;
      await sendAlert(env, {
        provider: delivery.provider,
        kind: 'dead_letter',
        text: `${what} to ${delivery.provider} reached the dead-letter queue after ${delivery.attempts} attempts (lead ${delivery.lead_id})`,
      });
    }
    message.ack();
  }
}
