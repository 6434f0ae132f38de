/**
 * @module Retention: each form keeps personal data `retentionDays` (default two years), then an
 * hourly Cron Trigger removes it (personal-data.ts), oldest first, in batches of 200 leads so no
 * one write holds D1 for long, batch after batch until nothing is left or the run's time is up;
 * what is left then waits for the next hour.
 */
import { forms } from '../forms/index.ts';
import { DEFAULT_RETENTION_DAYS } from '../forms/schema.ts';
import { removalStatements } from './personal-data.ts';

/** The Cron Trigger (wrangler.toml) that runs the purge; the every-minute one runs the sweep. */
export const PURGE_CRON = '30 * * * *';

const BATCH = 200;
/** Under D1's 1,000 queries per invocation (one batch is one query), with room for the rest. */
const MAX_BATCHES_PER_RUN = 900;
const DAY_MS = 86_400_000;

/** The leads of one retention period: one form's, or those of forms no longer configured. */
interface Group {
  where: string;
  bind: unknown[];
}

/**
 * Removes the personal data of every lead past its form's retention, until none is left or
 * `deadline` (ms) passes; answers how many leads.
 */
export async function purgeExpired(
  db: D1Database,
  now = Date.now(),
  deadline = Number.POSITIVE_INFINITY,
): Promise<number> {
  const at = new Date(now).toISOString();
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
  let purged = 0;
  let batches = 0;
  for (const group of groups) {
    const leadIds = {
      sql: `SELECT id FROM leads WHERE purged_at IS NULL AND ${group.where} ORDER BY created_at LIMIT ${BATCH}`,
      bind: group.bind,
    };
    for (let removed = BATCH; removed === BATCH && batches < MAX_BATCHES_PER_RUN && Date.now() < deadline; batches++) {
      const results = await db.batch(removalStatements(db, leadIds, at));
      removed = results.at(-1)?.meta.changes ?? 0;
      purged += removed;
    }
  }
  if (purged > 0) console.log(JSON.stringify({ at: 'retention', purged }));
  return purged;
}
