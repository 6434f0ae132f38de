/**
 * What the failure-rate alert, `/v1/admin/stats` and the archive ask of D1 at volume: each query of theirs, as
 * the relay sends it, is read through an index, never by scanning a whole table (SQLite's own
 * `EXPLAIN QUERY PLAN`, on the real local D1 with every migration applied).
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../../demo/sandbox/keys.ts';
import worker from '../../../edge/index.ts';
import { runMaintenance } from '../helpers.ts';
import { type Recorded, recordingD1 } from '../store-faults.ts';

async function planOf(query: Recorded): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
    .bind(...query.binds)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

/** Plan lines that read a whole table of leads, deliveries or attempts (a SCAN not of an index or a subquery). */
const wholeTableScans = (plan: readonly string[]) =>
  plan.filter(
    (line) =>
      /^SCAN (leads|archived_leads|deliveries|attempts|[lda])\b/.test(line) && !/USING (COVERING )?INDEX/.test(line),
  );

describe('the queries behind the numbers', () => {
  it('reads the last 15 minutes of attempts for the failure-rate alert through attempts_started', async () => {
    const recorded: Recorded[] = [];
    await runMaintenance({ DB: recordingD1(env.DB, recorded) });
    const alert = recorded.find((r) => r.sql.includes('FROM attempts a JOIN deliveries d'));
    if (!alert) throw new Error('the alert check ran no query');
    const plan = await planOf(alert);
    expect(plan).toContainEqual(expect.stringMatching(/^SEARCH a USING INDEX attempts_started/));
    expect(wholeTableScans(plan)).toEqual([]);
  });

  it('reads a period of /v1/admin/stats through the indexes on time, for every one of its queries', async () => {
    const recorded: Recorded[] = [];
    const ctx = createExecutionContext();
    const now = Date.now();
    const query = new URLSearchParams({
      from: new Date(now - 7 * 86_400_000).toISOString(),
      to: new Date(now).toISOString(),
    });
    const response = await worker.fetch(
      new Request(`http://relay.test/v1/admin/stats?${query}`, {
        headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
      }),
      { ...env, DB: recordingD1(env.DB, recorded) },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    const queries = recorded.filter((r) =>
      /\bFROM (funnel_hourly|leads|archived_leads|deliveries|attempts)\b/.test(r.sql),
    );
    expect(queries.length).toBeGreaterThanOrEqual(4);
    for (const q of queries) {
      const plan = await planOf(q);
      expect(wholeTableScans(plan), `${q.sql}\n${plan.join('\n')}`).toEqual([]);
      expect(plan.some((line) => /^SEARCH .* USING (COVERING )?INDEX/.test(line))).toBe(true);
    }
  });

  it('finds the leads the archive takes, and the days it seals, through indexes', async () => {
    const recorded: Recorded[] = [];
    await runMaintenance({ DB: recordingD1(env.DB, recorded) });
    const archiving = recorded.filter(
      (r) => /FROM leads l WHERE/.test(r.sql) || /SELECT DISTINCT archived_day/.test(r.sql),
    );
    expect(archiving.length).toBeGreaterThanOrEqual(2);
    for (const q of archiving) {
      const plan = await planOf(q);
      expect(wholeTableScans(plan), `${q.sql}\n${plan.join('\n')}`).toEqual([]);
      expect(
        plan.some((line) => /^SEARCH .* USING (COVERING )?INDEX/.test(line)),
        plan.join('\n'),
      ).toBe(true);
    }
  });
});
