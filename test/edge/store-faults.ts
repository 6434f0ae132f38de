/**
 * D1 and R2 as the platform documents them failing, wrapped around the real bindings: every query
 * refused (an unavailable, overloaded or locked database), or only writes (a full one, whose reads
 * still answer), and a bucket that refuses puts. Also a D1 that records what the relay asks of it,
 * so a test can ask SQLite how it would run the relay's own queries.
 */

import { env } from 'cloudflare:workers';
import { shards } from '../../edge/storage/shards.ts';

type StatementMethod = 'first' | 'run' | 'all' | 'raw';
const RUNS: ReadonlySet<string | symbol> = new Set<StatementMethod>(['first', 'run', 'all', 'raw']);

/** A statement that only reads: what a full database still answers. */
const readsOnly = (sql: string) => /^\s*(SELECT|WITH|EXPLAIN)\b/i.test(sql);

export interface Recorded {
  sql: string;
  binds: unknown[];
}

interface Wrapping {
  /** Throws instead of running the statement when this says so. */
  refuses: (sql: string) => boolean;
  message: string;
  recorded?: Recorded[];
}

/** The real statement behind each wrapped one, which the real `batch` needs. */
const realOf = new WeakMap<object, D1PreparedStatement>();
const sqlOf = new WeakMap<object, Recorded>();

function wrapStatement(real: D1PreparedStatement, record: Recorded, how: Wrapping): D1PreparedStatement {
  const wrapped = new Proxy(real, {
    get(target, property) {
      if (property === 'bind') {
        return (...binds: unknown[]) => wrapStatement(target.bind(...binds), { sql: record.sql, binds }, how);
      }
      if (RUNS.has(property)) {
        return (...args: unknown[]) => {
          how.recorded?.push(record);
          if (how.refuses(record.sql)) return Promise.reject(new Error(how.message));
          const run = Reflect.get(target, property) as (...a: unknown[]) => unknown;
          return run.apply(target, args);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  realOf.set(wrapped, real);
  sqlOf.set(wrapped, record);
  return wrapped;
}

function wrapD1(db: D1Database, how: Wrapping): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => wrapStatement(target.prepare(sql), { sql, binds: [] }, how);
      if (property === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          const records = statements.map((s) => sqlOf.get(s) ?? { sql: '', binds: [] });
          how.recorded?.push(...records);
          if (records.some((r) => how.refuses(r.sql))) return Promise.reject(new Error(how.message));
          return target.batch(statements.map((s) => realOf.get(s) ?? s));
        };
      }
      if (property === 'exec') return () => Promise.reject(new Error(how.message));
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The database refusing with `message`: every query, or with `writesOnly` every batch or statement
 * that writes (reads answer from the real database).
 */
export function failingD1(db: D1Database, message: string, { writesOnly = false } = {}): D1Database {
  return wrapD1(db, { message, refuses: (sql) => !writesOnly || !readsOnly(sql) });
}

/** The real database, with every statement it is asked to run pushed onto `recorded`. */
export function recordingD1(db: D1Database, recorded: Recorded[]): D1Database {
  return wrapD1(db, { message: '', refuses: () => false, recorded });
}

/** What a locked local D1 answers: the message SQLite gives the runtime for a file another process holds. */
export const LOCKED = 'D1_ERROR: database is locked: SQLITE_BUSY';
/** What D1 answers every write once a database reaches its size limit (developers.cloudflare.com/d1/platform/limits/). */
export const FULL = 'D1_ERROR: Exceeded maximum DB size';

/** The bucket refusing every put (R2 unavailable); reads, lists and deletes still work. */
export function refusingPuts(bucket: R2Bucket): R2Bucket {
  return new Proxy(bucket, {
    get(target, property) {
      if (property === 'put') return () => Promise.reject(new Error('put: We encountered an internal error. (10001)'));
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Every D1 shard of the worker wrapped by `wrap`: an outage of D1 reaches each database leads go to. */
export function everyShard(wrap: (db: D1Database) => D1Database): Partial<Env> {
  return Object.fromEntries(shards(env).map(({ name, db }) => [name, wrap(db)])) as Partial<Env>;
}
