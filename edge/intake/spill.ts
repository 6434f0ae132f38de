/**
 * @module The spill: where a lead goes, durably, when D1 refuses its write (unavailable,
 * overloaded, locked, full), so intake still answers 202 and no consumer's lead waits on D1. It is
 * R2 (`SPILL`): strongly consistent, durable once a put resolves, and its conditional put
 * (`If-None-Match: *`) makes a form's Idempotency-Key, or a ping session, unique in the spill as
 * D1's UNIQUE indexes make them unique there. The maintenance run moves spilled leads into D1
 * (spill-import.ts). Only when the spill refuses too does intake answer 503 `unavailable`.
 */
import { type DeliveryRow, insertLead, type NewLead, plannedDeliveries } from '../delivery/store.ts';
import { ApiError } from '../errors.ts';
import { forms, formTexts, textsVersion } from '../forms/index.ts';
import { dbOf } from '../storage/shards.ts';
import { sha256Hex } from './checks.ts';

/** Every spilled lead's object name starts so; nothing else lives in the bucket. */
export const SPILL_PREFIX = 'leads/';

/** A lead as the spill holds it: what D1 would have stored, the texts it was shown, when and why. */
export interface SpilledLead {
  lead: NewLead;
  spilledAt: string;
  reason: string;
  texts: { version: string; texts: unknown };
}

/** A lead already stored under the same key or session; `held` when it is still in the spill. */
export interface Earlier {
  leadId: string;
  bodyHash: string;
  held?: NewLead;
}

export type Stored = { kind: 'stored'; deliveries: DeliveryRow[]; spilled: boolean } | ({ kind: 'repeat' } & Earlier);

/** How long an isolate that spilled also looks in the spill before D1: D1 may flap while it recovers. */
const RECENT_SPILL_MS = 10 * 60_000;
/** What a client is asked to wait when neither store takes a lead. */
const RETRY_AFTER_SECONDS = 10;
let lastSpillAt = Number.NEGATIVE_INFINITY;

function spilledRecently(): boolean {
  return Date.now() - lastSpillAt < RECENT_SPILL_MS;
}

/** What names a lead in the spill: its form and key, or its ping session, or else its own id. */
export interface SpillKey {
  formId: string;
  leadId?: string;
  idempotencyKey?: string | null;
  sessionId?: string;
}

/**
 * The object a lead is spilled to: one per form and key, or per ping session, so a repeat finds the
 * first (`shared`); a lead with neither has its own.
 */
export function spillName(key: SpillKey): { name: string; shared: boolean } {
  const base = `${SPILL_PREFIX}${key.formId}/`;
  if (key.sessionId) return { name: `${base}session/${key.sessionId}`, shared: true };
  if (key.idempotencyKey) return { name: `${base}key/${sha256Hex(key.idempotencyKey)}`, shared: true };
  return { name: `${base}id/${key.leadId ?? crypto.randomUUID()}`, shared: false };
}

function spillKeyOf(input: NewLead): SpillKey {
  return {
    formId: input.lead.formId,
    leadId: input.lead.id,
    idempotencyKey: input.idempotencyKey,
    ...(input.consentRecord ? { sessionId: input.consentRecord.sessionId } : {}),
  };
}

export async function readSpilled(bucket: R2Bucket, name: string): Promise<SpilledLead | null> {
  const object = await bucket.get(name);
  return object ? ((await object.json()) as SpilledLead) : null;
}

function heldAsEarlier(held: SpilledLead): Earlier {
  return { leadId: held.lead.lead.id, bodyHash: held.lead.bodyHash, held: held.lead };
}

/** A D1 error that says a UNIQUE index held: the idempotency key or the session is taken. */
function isConstraintFailure(error: unknown): boolean {
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT/.test(String(error));
}

function unavailable(): ApiError {
  return new ApiError('unavailable', 'The lead could not be stored just now and nothing was kept; try again shortly', {
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });
}

/**
 * The lead stored earlier under this lead's key or session, in D1 (`inD1`) or in the spill: the
 * spill is asked when D1 cannot answer, or when this isolate spilled lately (a lead spilled a
 * moment ago is not in D1 yet).
 */
export async function findEarlier(
  env: Env,
  key: SpillKey,
  inD1: () => Promise<Earlier | null>,
): Promise<Earlier | null> {
  let d1Failed = false;
  const found = await inD1().catch(() => {
    d1Failed = true;
    return null;
  });
  if (found) return found;
  if (!d1Failed && !spilledRecently()) return null;
  const held = await readSpilled(env.SPILL, spillName(key).name).catch(() => null);
  return held ? heldAsEarlier(held) : null;
}

/**
 * Stores a lead in D1, or in the spill when D1 refuses it for any reason but a UNIQUE index (a
 * repeat, answered with the lead it repeats). Throws 503 `unavailable` only when the spill refuses
 * too.
 */
export async function storeLead(env: Env, input: NewLead, inD1: () => Promise<Earlier | null>): Promise<Stored> {
  const { name, shared } = spillName(spillKeyOf(input));
  if (shared && spilledRecently()) {
    const held = await readSpilled(env.SPILL, name).catch(() => null);
    if (held) return { kind: 'repeat', ...heldAsEarlier(held) };
  }
  try {
    return { kind: 'stored', deliveries: await insertLead(dbOf(env, input.lead.id), input), spilled: false };
  } catch (error) {
    if (isConstraintFailure(error)) {
      const earlier = await inD1().catch(() => null);
      if (earlier) return { kind: 'repeat', ...earlier };
    }
    return spill(env, input, name, error, inD1);
  }
}

async function spill(
  env: Env,
  input: NewLead,
  name: string,
  cause: unknown,
  inD1: () => Promise<Earlier | null>,
): Promise<Stored> {
  const form = forms.get(input.lead.formId);
  if (!form) throw cause;
  const record: SpilledLead = {
    lead: input,
    spilledAt: new Date().toISOString(),
    reason: String(cause instanceof Error ? cause.message : cause).slice(0, 300),
    texts: { version: textsVersion(form), texts: formTexts(form) },
  };
  const log = { at: 'spill', formId: form.id, leadId: input.lead.id, d1: record.reason };
  let put: R2Object | null;
  try {
    put = await env.SPILL.put(name, JSON.stringify(record), {
      onlyIf: { etagDoesNotMatch: '*' },
      httpMetadata: { contentType: 'application/json' },
    });
  } catch (error) {
    console.error(JSON.stringify({ ...log, spill: String(error) }));
    throw unavailable();
  }
  lastSpillAt = Date.now();
  if (put) {
    console.error(JSON.stringify(log));
    return { kind: 'stored', deliveries: plannedDeliveries(input), spilled: true };
  }
  // The name is taken: the same key or session came first during this outage.
  const held = await readSpilled(env.SPILL, name).catch(() => null);
  if (held) return { kind: 'repeat', ...heldAsEarlier(held) };
  // Imported between the put and the read: it is in D1 now.
  const earlier = await inD1().catch(() => null);
  if (earlier) return { kind: 'repeat', ...earlier };
  throw unavailable();
}
