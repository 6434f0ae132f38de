/**
 * @module Retention: each form keeps personal data `retentionDays` (default two years), then an
 * hourly Cron Trigger removes it (personal-data.ts), oldest first, in batches of 200 leads so no
 * one write holds D1 for long, batch after batch until nothing is left or the run's time is up;
 * what is left then waits for the next hour. Archived leads past it have their objects rewritten
 * without it (archive/archive.ts), in every shard.
 */

import { type ArchivedRow, stripArchived } from '../archive/archive.ts';
import { forms } from '../forms/index.ts';
import { DEFAULT_RETENTION_DAYS } from '../forms/schema.ts';
import { shards } from '../storage/shards.ts';
import { removalStatements } from './personal-data.ts';

/** The Cron Trigger (wrangler.toml) that runs the purge; the every-minute one runs the sweep. */
export const PURGE_CRON = '30 * * * *';

const BATCH = 200;
/** Under D1's 1,000 queries per invocation (one batch is one query), with room for the rest. */
const MAX_BATCHES_PER_RUN = 800;
/** Archived leads rewritten per page, and per run: each is an R2 read and write (subrequests). */
const ARCHIVED_PAGE = 50;
const MAX_ARCHIVED_PER_RUN = 400;
const DAY_MS = 86_400_000;

/** The leads of one retention period: one form's, or those of forms no longer configured. */
interface Group {
  where: string;
  bind: unknown[];
}

/** The leads of each retention period, past it at `now`. */
function groupsAt(now: number): Group[] {
  const cutoff = (days: number) => new Date(now - days * DAY_MS).toISOString();
  const configured = [...forms.values()];
  const groups: Group[] = configured.map((form) => ({
    where: 'form_id = ? AND created_at < ?',
    bind: [form.id, cutoff(form.retentionDays)],
  }));
  // A form taken out of the configuration leaves its leads behind: they keep the default period.
  groups.push({
    where: 'form_id NOT IN (SELECT value FROM json_each(?)) AND created_at < ?',
    bind: [JSON.stringify(configured.map((form) => form.id)), cutoff(DEFAULT_RETENTION_DAYS)],
  });
  return groups;
}

/**
 * Removes the personal data of every lead past its form's retention, in D1 and in the archive, in
 * every shard, until none is left or `deadline` (ms) passes; answers how many leads.
 */
export async function purgeExpired(env: Env, now = Date.now(), deadline = Number.POSITIVE_INFINITY): Promise<number> {
  let purged = 0;
  let batches = 0;
  let archived = 0;
  for (const { db } of shards(env)) {
    const hot = await purgeHot(db, now, deadline, MAX_BATCHES_PER_RUN - batches);
    batches += hot.batches;
    const cold = await purgeArchived(env, db, now, deadline, MAX_ARCHIVED_PER_RUN - archived);
    archived += cold;
    purged += hot.purged + cold;
  }
  if (purged > 0) console.log(JSON.stringify({ at: 'retention', purged }));
  return purged;
}

async function purgeHot(db: D1Database, now: number, deadline: number, maxBatches: number) {
  const at = new Date(now).toISOString();
  let purged = 0;
  let batches = 0;
  for (const group of groupsAt(now)) {
    const leadIds = {
      sql: `SELECT id FROM leads WHERE purged_at IS NULL AND ${group.where} ORDER BY created_at LIMIT ${BATCH}`,
      bind: group.bind,
    };
    for (let removed = BATCH; removed === BATCH && batches < maxBatches && Date.now() < deadline; batches++) {
      const results = await db.batch(removalStatements(db, leadIds, at));
      removed = results.at(-1)?.meta.changes ?? 0;
      purged += removed;
    }
  }
  return { purged, batches };
}

/** Archived leads past retention: their objects rewritten without personal data, a page at a time. */
async function purgeArchived(env: Env, db: D1Database, now: number, deadline: number, max: number) {
  const at = new Date(now).toISOString();
  let purged = 0;
  for (const group of groupsAt(now)) {
    for (let page = ARCHIVED_PAGE; page === ARCHIVED_PAGE && purged < max && Date.now() < deadline; ) {
      const { results } = await db
        .prepare(
          `SELECT id, form_id, status, created_at, object_key, sha256, archived_at, archived_day, purged_at, erasure
           FROM archived_leads WHERE purged_at IS NULL AND ${group.where} ORDER BY created_at LIMIT ?`,
        )
        .bind(...group.bind, Math.min(ARCHIVED_PAGE, max - purged))
        .all<ArchivedRow>();
      page = results.length;
      purged += await stripArchived(env, db, results, at);
    }
  }
  return purged;
}
