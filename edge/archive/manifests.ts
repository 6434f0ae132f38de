/**
 * @module The archive's manifests: one per day, listing the id and SHA-256 of every lead archived
 * that day (in every shard), signed as certificates are (HMAC-SHA-256 under `CERTIFICATE_SECRET` of
 * its canonical hash) and chained: each carries the day and hash of the manifest before it, so a
 * manifest removed or changed breaks the chain after it. A day is sealed once it is over (UTC) and
 * no archive run can still be writing into it; sealed, it is never written again (R2's conditional
 * put). Kept in R2 as `manifests/<day>.json`, and in shard 0's `archive_manifests`.
 */
import { signBody } from '../privacy/certificate.ts';
import { canonicalHash } from '../security/canonical-hash.ts';
import { shards } from '../storage/shards.ts';
import { dayOf } from './archive.ts';

export const MANIFEST_PREFIX = 'manifests/';

/**
 * How long after a day's end it is sealed: longer than a Cron run's budget, so a run that began
 * before midnight has finished writing that day's leads.
 */
const SEAL_AFTER_MS = 15 * 60_000;
/** Days sealed per run at most (a relay that was off for a while catches up over a few runs). */
const DAYS_PER_RUN = 31;

export interface Manifest {
  version: 1;
  day: string;
  previousDay: string | null;
  previousSha256: string | null;
  count: number;
  leads: { leadId: string; sha256: string }[];
}

export interface SignedManifest {
  manifest: Manifest;
  /** The manifest's canonical hash: what the next day's manifest carries as `previousSha256`. */
  sha256: string;
  signature: string;
}

function home(env: Env): D1Database {
  return (shards(env)[0] ?? { db: env.DB }).db;
}

/** The last sealed day, which no lead archived from now on may join. */
export async function lastSealed(env: Env): Promise<{ day: string; sha256: string } | null> {
  return home(env)
    .prepare('SELECT day, sha256 FROM archive_manifests ORDER BY day DESC LIMIT 1')
    .first<{ day: string; sha256: string }>();
}

/** The day a lead archived at `now` belongs to: today, or the day after the last sealed one. */
export async function archiveDay(env: Env, now: number): Promise<string> {
  const today = dayOf(now);
  const sealed = await lastSealed(env);
  if (!sealed || sealed.day < today) return today;
  return dayOf(Date.parse(`${sealed.day}T00:00:00Z`) + 86_400_000);
}

/** Seals every day before `now` (less the margin) whose leads are not in a manifest yet. */
export async function sealManifests(env: Env, now: number): Promise<number> {
  const before = dayOf(now - SEAL_AFTER_MS);
  let previous = await lastSealed(env);
  const perShard = await Promise.all(
    shards(env).map(({ db }) =>
      db
        .prepare('SELECT DISTINCT archived_day AS day FROM archived_leads WHERE archived_day > ? AND archived_day < ?')
        .bind(previous?.day ?? '', before)
        .all<{ day: string }>(),
    ),
  );
  const days = [...new Set(perShard.flatMap((r) => r.results.map((d) => d.day)))].sort().slice(0, DAYS_PER_RUN);
  for (const day of days) {
    const signed = await seal(env, day, previous);
    previous = { day, sha256: signed.sha256 };
  }
  return days.length;
}

async function seal(env: Env, day: string, previous: { day: string; sha256: string } | null) {
  const entries = await Promise.all(
    shards(env).map(({ db }) =>
      db
        .prepare('SELECT id AS leadId, sha256 FROM archived_leads WHERE archived_day = ?')
        .bind(day)
        .all<{ leadId: string; sha256: string }>(),
    ),
  );
  const leads = entries.flatMap((r) => r.results).sort((a, b) => (a.leadId < b.leadId ? -1 : 1));
  const manifest: Manifest = {
    version: 1,
    day,
    previousDay: previous?.day ?? null,
    previousSha256: previous?.sha256 ?? null,
    count: leads.length,
    leads,
  };
  let signed: SignedManifest = {
    manifest,
    sha256: canonicalHash(manifest),
    signature: await signBody(env.CERTIFICATE_SECRET, manifest),
  };
  const key = `${MANIFEST_PREFIX}${day}.json`;
  const put = await env.ARCHIVE.put(key, JSON.stringify(signed), {
    onlyIf: { etagDoesNotMatch: '*' },
    httpMetadata: { contentType: 'application/json' },
  });
  // Sealed already by a run that stopped before recording it: that manifest stands.
  if (!put) signed = (await (await env.ARCHIVE.get(key))?.json<SignedManifest>()) ?? signed;
  await home(env)
    .prepare(
      'INSERT OR IGNORE INTO archive_manifests (day, sha256, previous_day, count, sealed_at) VALUES (?, ?, ?, ?, ?)',
    )
    .bind(day, signed.sha256, signed.manifest.previousDay, signed.manifest.count, new Date().toISOString())
    .run();
  return signed;
}

/** A sealed day's manifest as the archive holds it. */
export async function readManifest(env: Env, day: string): Promise<SignedManifest | null> {
  return (await env.ARCHIVE.get(`${MANIFEST_PREFIX}${day}.json`))?.json<SignedManifest>() ?? null;
}
