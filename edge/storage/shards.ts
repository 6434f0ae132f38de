/**
 * @module Shards: the D1 databases leads live in, since one D1 database stops at 10 GB. `DB` is
 * shard 0 and `DB_1`, `DB_2`, … the others; new leads go to the shards the var `OPEN_SHARDS` names
 * (binding names, comma-separated; empty means all). A lead's id carries its shard, so the lead, its
 * deliveries, steps, attempts, changes and consent record live in one database and are found without
 * asking any other. The id is a UUID of version 8 (RFC 9562: an application's own layout) with the
 * shard in the 12 bits after the version digit; a version-4 id, from before shards, is shard 0's.
 */

export interface Shard {
  index: number;
  name: string;
  db: D1Database;
}

const SHARD_BINDING = /^DB(?:_([1-9][0-9]{0,2}))?$/;
const SHARDED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-8([0-9a-f]{3})-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function isD1(value: unknown): value is D1Database {
  return typeof (value as D1Database | undefined)?.prepare === 'function';
}

const known = new WeakMap<object, Shard[]>();
const warned = new WeakSet<object>();

/** Every shard the Worker is bound to, shard 0 first. */
export function shards(env: Env): Shard[] {
  const cached = known.get(env);
  if (cached) return cached;
  const found: Shard[] = [];
  for (const [name, value] of Object.entries(env)) {
    const match = SHARD_BINDING.exec(name);
    if (match && isD1(value)) found.push({ index: match[1] ? Number(match[1]) : 0, name, db: value });
  }
  found.sort((a, b) => a.index - b.index);
  known.set(env, found);
  return found;
}

/** The shard a lead (or anything named by its lead's id) lives in; undefined where none is bound. */
export function shardOf(env: Env, leadId: string): Shard | undefined {
  const index = Number.parseInt(SHARDED_ID.exec(leadId)?.[1] ?? '0', 16);
  return shards(env).find((s) => s.index === index);
}

/**
 * The database of a lead. An id whose shard is not bound (a mistyped id, a shard removed) reads as
 * shard 0, where it is simply not found.
 */
export function dbOf(env: Env, leadId: string): D1Database {
  return (shardOf(env, leadId) ?? shards(env)[0] ?? { db: env.DB }).db;
}

/** The shards that take new leads: those `OPEN_SHARDS` names that are bound, or all of them. */
export function openShards(env: Env): Shard[] {
  const all = shards(env);
  const named = (env.OPEN_SHARDS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const open = all.filter((s) => named.includes(s.name));
  if (named.length > open.length && !warned.has(env)) {
    // Once per isolate: the mistake is the deployer's, and every lead would repeat it.
    warned.add(env);
    console.error(JSON.stringify({ at: 'shards', error: 'OPEN_SHARDS names a binding that is not a D1 shard', named }));
  }
  return open.length > 0 ? open : all;
}

/** FNV-1a, 32 bits: cheap, and spreads keys evenly enough to pick a shard. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * The shard a new lead goes to. With a key (a form's Idempotency-Key, a ping session), always the
 * same one while the open shards stay the same, so a retry meets its first lead's UNIQUE index;
 * rendezvous hashing, so opening or closing a shard moves only the keys that shard gains or loses.
 * Without a key, any open shard.
 */
export function shardForNew(env: Env, key?: string): Shard {
  const open = openShards(env);
  const [first] = open;
  if (!first) throw new Error('No D1 database is bound as DB');
  if (key === undefined) return open[Math.floor(Math.random() * open.length)] ?? first;
  let best = first;
  let bestScore = -1;
  for (const shard of open) {
    const score = fnv1a(`${shard.name}\u0000${key}`);
    if (score > bestScore) [best, bestScore] = [shard, score];
  }
  return best;
}

/** A new lead id in `shard`. */
export function newLeadId(shard: Pick<Shard, 'index'>): string {
  const uuid = crypto.randomUUID();
  return `${uuid.slice(0, 14)}8${shard.index.toString(16).padStart(3, '0')}${uuid.slice(18)}`;
}
