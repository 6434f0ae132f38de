/**
 * @module The numbers behind `GET /v1/admin/stats`: the funnel (from the hourly rollup of the
 * widget's events), leads by status, and each provider's outcomes, latency and dead letters (from
 * the deliveries and their attempts), for one form or all, one partner origin or all, over a period,
 * with a series by hour or day and splits by origin and `utm_source`.
 */
import * as z from 'zod';
import { LEAD_STATUSES } from '../../shared/lead.ts';
import { shards } from '../storage/shards.ts';
import { hourOf } from './funnel.ts';

const DAY_MS = 86_400_000;

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((text) => Date.parse(text));

export const statsQuerySchema = z
  .strictObject({
    form: z.string().max(64).optional(),
    origin: z.string().max(200).optional(),
    from: instant.optional(),
    to: instant.optional(),
    by: z.enum(['hour', 'day']).default('day'),
  })
  .transform((q) => {
    const to = q.to ?? Date.now();
    return { ...q, to, from: q.from ?? to - 7 * DAY_MS };
  })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
export type StatsQuery = z.output<typeof statsQuerySchema>;

/** A WHERE clause built from optional filters, with its bindings in order. */
function where(parts: [string, unknown][]): { sql: string; bind: unknown[] } {
  const present = parts.filter(([, value]) => value !== undefined);
  return { sql: present.map(([sql]) => sql).join(' AND '), bind: present.map(([, value]) => value) };
}

interface FunnelRow {
  at: string;
  origin: string;
  utm_source: string;
  type: string;
  step: number;
  code: string;
  count: number;
  total: number;
}

interface Split {
  views: number;
  starts: number;
  submits: number;
  successes: number;
  leads: number;
}

const emptySplit = (): Split => ({ views: 0, starts: 0, submits: 0, successes: 0, leads: 0 });
const SPLIT_OF: Record<string, 'views' | 'starts' | 'submits' | 'successes'> = {
  view: 'views',
  start: 'starts',
  submit: 'submits',
  success: 'successes',
};

function tally(map: Map<string, Split>, key: string, field: keyof Split, n: number): void {
  const entry = map.get(key) ?? emptySplit();
  entry[field] += n;
  map.set(key, entry);
}

/** The shortest duration at or past `share` of the attempts, as SQL's CUME_DIST would pick it. */
function percentile(sorted: readonly { duration: number; n: number }[], total: number, share: number): number | null {
  let seen = 0;
  for (const { duration, n } of sorted) {
    seen += n;
    if (seen / total >= share) return duration;
  }
  return null;
}

/**
 * The numbers over every shard, for leads in D1 and archived alike (an archived lead's index row
 * keeps its status, origin, UTM source, deliveries and attempts), so a past period answers the
 * same before and after its leads are archived. Each shard answers counts; they are added here,
 * and the latency percentiles are taken over every shard's durations at once.
 */
export async function stats(env: Env, q: StatsQuery) {
  const from = new Date(q.from).toISOString();
  const to = new Date(q.to).toISOString();
  const width = q.by === 'hour' ? 13 : 10;

  const events = where([
    ['hour >= ?', hourOf(q.from)],
    ['hour <= ?', hourOf(q.to)],
    ['form_id = ?', q.form],
    ['origin = ?', q.origin],
  ]);
  const leads = where([
    ['l.created_at >= ?', from],
    ['l.created_at <= ?', to],
    ['l.form_id = ?', q.form],
    ['l.origin = ?', q.origin],
  ]);
  const attempts = where([
    ['a.started_at >= ?', from],
    ['a.started_at <= ?', to],
    ['l.form_id = ?', q.form],
    ['l.origin = ?', q.origin],
  ]);
  // No attempt of an archived lead started before it was created or after its last activity.
  const archivedAttempts = where([
    ['l.last_activity_at >= ?', from],
    ['l.created_at <= ?', to],
    ["json_extract(ja.value, '$[1]') >= ?", from],
    ["json_extract(ja.value, '$[1]') <= ?", to],
    ['l.form_id = ?', q.form],
    ['l.origin = ?', q.origin],
  ]);

  const perShard = await Promise.all(
    shards(env).map(({ db, index }) =>
      db.batch([
        // Funnel events are counted in shard 0 only (analytics/funnel.ts).
        db
          .prepare(
            `SELECT substr(hour, 1, ${width}) AS at, origin, utm_source, type, step, code, SUM(count) AS count, SUM(total) AS total
             FROM funnel_hourly WHERE ${index === 0 ? events.sql : '0'} GROUP BY at, origin, utm_source, type, step, code`,
          )
          .bind(...(index === 0 ? events.bind : [])),
        db
          .prepare(
            `SELECT substr(l.created_at, 1, ${width}) AS at, COALESCE(l.origin, '') AS origin,
               COALESCE(json_extract(l.context, '$.utm_source'), '') AS utm_source, l.status, COUNT(*) AS count
             FROM leads l WHERE ${leads.sql} GROUP BY at, origin, utm_source, l.status
             UNION ALL
             SELECT substr(l.created_at, 1, ${width}) AS at, COALESCE(l.origin, '') AS origin,
               COALESCE(l.utm_source, '') AS utm_source, l.status, COUNT(*) AS count
             FROM archived_leads l WHERE ${leads.sql} GROUP BY at, origin, utm_source, l.status`,
          )
          .bind(...leads.bind, ...leads.bind),
        db
          .prepare(
            `SELECT d.provider, d.kind = 'lead' AS is_lead, d.status, COUNT(*) AS count
             FROM deliveries d JOIN leads l ON l.id = d.lead_id WHERE ${leads.sql} GROUP BY d.provider, is_lead, d.status
             UNION ALL
             SELECT json_extract(jd.value, '$[0]') AS provider, json_extract(jd.value, '$[1]') AS is_lead,
               json_extract(jd.value, '$[2]') AS status, COUNT(*) AS count
             FROM archived_leads l, json_each(l.deliveries) jd WHERE ${leads.sql} GROUP BY provider, is_lead, status`,
          )
          .bind(...leads.bind, ...leads.bind),
        db
          .prepare(
            `SELECT d.provider, a.duration_ms AS duration, COUNT(*) AS n
             FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN leads l ON l.id = d.lead_id
             WHERE ${attempts.sql} GROUP BY d.provider, a.duration_ms
             UNION ALL
             SELECT json_extract(ja.value, '$[0]') AS provider, json_extract(ja.value, '$[2]') AS duration, COUNT(*) AS n
             FROM archived_leads l, json_each(l.attempts) ja WHERE ${archivedAttempts.sql} GROUP BY provider, duration`,
          )
          .bind(...attempts.bind, ...archivedAttempts.bind),
      ]),
    ),
  );
  const results = (i: number) => perShard.flatMap((batch) => batch[i]?.results ?? []);
  const funnelRows = results(0);
  const leadRows = results(1);
  const deliveryRows = results(2);
  const durations = new Map<string, { duration: number; n: number }[]>();
  for (const row of results(3) as { provider: string; duration: number; n: number }[]) {
    durations.set(row.provider, [...(durations.get(row.provider) ?? []), { duration: row.duration, n: row.n }]);
  }

  const funnel = {
    views: 0,
    starts: 0,
    steps: [] as { step: number; reached: number }[],
    submits: 0,
    successes: 0,
    errors: [] as { code: string; count: number }[],
    offersShown: 0,
    offersChosen: 0,
  };
  const series = new Map<string, Split>();
  const byOrigin = new Map<string, Split>();
  const byUtmSource = new Map<string, Split>();
  const steps = new Map<number, number>();
  const errors = new Map<string, number>();
  for (const row of funnelRows as FunnelRow[]) {
    const split = SPLIT_OF[row.type];
    if (split) {
      funnel[split] += row.count;
      tally(series, row.at, split, row.count);
      tally(byOrigin, row.origin, split, row.count);
      tally(byUtmSource, row.utm_source, split, row.count);
    } else if (row.type === 'step') steps.set(row.step, (steps.get(row.step) ?? 0) + row.count);
    else if (row.type === 'error') errors.set(row.code, (errors.get(row.code) ?? 0) + row.count);
    else if (row.type === 'offers_shown') funnel.offersShown += row.total;
    else if (row.type === 'offers_chosen') funnel.offersChosen += row.total;
  }
  funnel.steps = [...steps].sort(([a], [b]) => a - b).map(([step, reached]) => ({ step, reached }));
  funnel.errors = [...errors].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count);

  const byStatus = Object.fromEntries(LEAD_STATUSES.map((status) => [status, 0])) as Record<string, number>;
  let total = 0;
  for (const row of leadRows as {
    at: string;
    origin: string;
    utm_source: string;
    status: string;
    count: number;
  }[]) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + row.count;
    total += row.count;
    tally(series, row.at, 'leads', row.count);
    tally(byOrigin, row.origin, 'leads', row.count);
    tally(byUtmSource, row.utm_source, 'leads', row.count);
  }

  const providers = new Map<
    string,
    {
      delivered: number;
      rejected: number;
      failed: number;
      pending: number;
      deadLetters: number;
      latencyMs: { p50: number | null; p95: number | null };
    }
  >();
  const provider = (name: string) => {
    const entry = providers.get(name) ?? {
      delivered: 0,
      rejected: 0,
      failed: 0,
      pending: 0,
      deadLetters: 0,
      latencyMs: { p50: null, p95: null },
    };
    providers.set(name, entry);
    return entry;
  };
  for (const row of deliveryRows as {
    provider: string;
    is_lead: number;
    status: string;
    count: number;
  }[]) {
    const entry = provider(row.provider);
    // Dead letters are deliveries and steps alike that spent every attempt and wait for a replay.
    if (row.status === 'failed') entry.deadLetters += row.count;
    if (!row.is_lead) continue;
    if (row.status === 'delivered' || row.status === 'rejected' || row.status === 'failed')
      entry[row.status] += row.count;
    else entry.pending += row.count;
  }
  for (const [name, counted] of durations) {
    const sorted = counted.sort((a, b) => a.duration - b.duration);
    const total = sorted.reduce((sum, d) => sum + d.n, 0);
    provider(name).latencyMs = { p50: percentile(sorted, total, 0.5), p95: percentile(sorted, total, 0.95) };
  }

  const list = <K extends string>(map: Map<string, Split>, key: K) =>
    [...map].map(([value, split]) => ({ [key]: value, ...split }) as Record<K, string> & Split);
  return {
    from,
    to,
    by: q.by,
    form: q.form ?? null,
    origin: q.origin ?? null,
    funnel,
    series: list(series, 'at').sort((a, b) => a.at.localeCompare(b.at)),
    leads: { total, byStatus },
    providers: [...providers]
      .map(([name, entry]) => ({ provider: name, ...entry }))
      .sort((a, b) => a.provider.localeCompare(b.provider)),
    byOrigin: list(byOrigin, 'origin'),
    byUtmSource: list(byUtmSource, 'utmSource'),
  };
}
