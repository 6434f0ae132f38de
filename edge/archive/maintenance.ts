/**
 * @module The archive's part of the every-minute maintenance run: seal the days that are over, then
 * archive what is due, under a lease in shard 0 so the overlapping runs (each may last minutes) never
 * archive or seal at once. A run that dies leaves the lease to expire; the next goes on where it was.
 */
import { type ArchiveReport, archiveFinished } from './archive.ts';
import { archiveDay, sealManifests } from './manifests.ts';

const TASK = 'archive';
/** Longer than a run's budget: a lease outlives its holder only when the holder died. */
const LEASE_MS = 12 * 60_000;

async function takeLease(db: D1Database, until: string, now: string): Promise<boolean> {
  const taken = await db
    .prepare(
      `INSERT INTO maintenance_leases (task, until) VALUES (?1, ?2)
       ON CONFLICT (task) DO UPDATE SET until = excluded.until WHERE maintenance_leases.until <= ?3`,
    )
    .bind(TASK, until, now)
    .run();
  return taken.meta.changes === 1;
}

/** Seals and archives; `now` is the run's time (its Cron schedule), the lease goes by the clock. */
export async function maintainArchive(env: Env, now: number, deadline: number): Promise<ArchiveReport> {
  const until = new Date(Date.now() + LEASE_MS).toISOString();
  if (!(await takeLease(env.DB, until, new Date().toISOString()))) return { archived: 0, left: true };
  try {
    await sealManifests(env, now);
    const report = await archiveFinished(env, now, await archiveDay(env, now), deadline);
    if (report.archived > 0) console.log(JSON.stringify({ at: 'archive', ...report }));
    return report;
  } finally {
    await env.DB.prepare('UPDATE maintenance_leases SET until = ?1 WHERE task = ?2 AND until = ?3')
      .bind(new Date(0).toISOString(), TASK, until)
      .run();
  }
}
