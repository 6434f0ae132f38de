/**
 * Shards past one database: new leads spread over the D1 bindings `OPEN_SHARDS` opens, each lead
 * whole in the shard its id names, and every admin view (list, subject export, numbers) over all.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import worker from '../../../edge/index.ts';
import { openShards, shardOf, shards } from '../../../edge/storage/shards.ts';
import { admin, leadWhen, PAGE_ORIGIN, postLead, testClientIp, validTakePaymentsLead, withForm } from '../helpers.ts';

const takepayments = demoForms.find((f) => f.id === 'demo-takepayments');

function testForm() {
  return { ...takepayments, id: `shard-${crypto.randomUUID().slice(0, 8)}` };
}

async function leadsOf(formId: string, count: number, email = 'ada@example.com'): Promise<string[]> {
  const body = { ...validTakePaymentsLead, fields: { ...validTakePaymentsLead.fields, email } };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await postLead(formId, body);
    expect(response.status).toBe(202);
    ids.push(((await response.json()) as { leadId: string }).leadId);
  }
  return ids;
}

const inShard = (db: D1Database, id: string) =>
  db.prepare('SELECT COUNT(*) AS n FROM leads WHERE id = ?').bind(id).first<number>('n');

describe('shards', () => {
  it('runs the relay tests with two, DB and DB_1', () => {
    expect(shards(env).map((s) => s.name)).toEqual(['DB', 'DB_1']);
  });

  it('spreads new leads over every open shard, each lead in the shard its id names and no other', async () => {
    const form = testForm();
    await withForm(form, async () => {
      const ids = await leadsOf(form.id, 16);
      const used = new Set(ids.map((id) => shardOf(env, id)?.name));
      expect(used).toEqual(new Set(['DB', 'DB_1']));
      for (const id of ids) {
        for (const shard of shards(env)) {
          expect(await inShard(shard.db, id)).toBe(shard.name === shardOf(env, id)?.name ? 1 : 0);
        }
      }
      // And its deliveries went with it: each lead is delivered from its own shard.
      await leadWhen<{ status: string }>(ids[0] ?? '', (l) => expect(l.status).toBe('delivered'));
    });
  });

  it('takes new leads only in the shards OPEN_SHARDS names, and still finds the others', async () => {
    const form = testForm();
    await withForm(form, async () => {
      const [earlier = ''] = await leadsOf(form.id, 1);
      const closedDb = { ...env, OPEN_SHARDS: 'DB_1' };
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const ctx = createExecutionContext();
        const response = await worker.fetch(
          new Request(`http://relay.test/v1/forms/${form.id}/leads`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, 'cf-connecting-ip': testClientIp() },
            body: JSON.stringify(validTakePaymentsLead),
          }),
          closedDb,
          ctx,
        );
        await waitOnExecutionContext(ctx);
        ids.push(((await response.json()) as { leadId: string }).leadId);
      }
      expect(ids.map((id) => shardOf(env, id)?.name)).toEqual(Array(8).fill('DB_1'));
      expect((await admin(`/leads/${earlier}`)).status).toBe(200);
    });
  });

  it('keeps every shard open, and says so in the log, when OPEN_SHARDS names no bound shard', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const mistyped = { ...env, OPEN_SHARDS: 'DB_9, DB-1' };
    expect(openShards(mistyped).map((s) => s.name)).toEqual(['DB', 'DB_1']);
    openShards(mistyped);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]?.[0])).toContain('OPEN_SHARDS names a binding that is not a D1 shard');
    error.mockRestore();
  });

  it('lists leads of every shard as one list, newest first, page after page', async () => {
    const form = testForm();
    await withForm(form, async () => {
      const ids = await leadsOf(form.id, 7);
      const seen: { leadId: string; createdAt: string }[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page = (await (
          await admin(`/leads?form=${form.id}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        ).json()) as { leads: { leadId: string; createdAt: string }[]; nextCursor: string | null };
        seen.push(...page.leads);
        cursor = page.nextCursor;
      }
      expect(new Set(seen.map((l) => l.leadId))).toEqual(new Set(ids));
      expect(seen).toHaveLength(7);
      const times = seen.map((l) => l.createdAt);
      expect(times).toEqual([...times].sort().reverse());
    });
  });

  it('exports one person’s leads and counts the numbers from every shard', async () => {
    const form = testForm();
    const email = `sharded.${crypto.randomUUID().slice(0, 8)}@example.com`;
    await withForm(form, async () => {
      const ids = await leadsOf(form.id, 8, email);
      expect(new Set(ids.map((id) => shardOf(env, id)?.name)).size).toBe(2);
      const exported = (await (await admin(`/subjects?email=${encodeURIComponent(email)}`)).json()) as {
        leads: { leadId: string }[];
      };
      expect(new Set(exported.leads.map((l) => l.leadId))).toEqual(new Set(ids));
      const query = new URLSearchParams({
        form: form.id,
        from: new Date(Date.now() - 3_600_000).toISOString(),
        to: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const numbers = (await (await admin(`/stats?${query}`)).json()) as { leads: { total: number } };
      expect(numbers.leads.total).toBe(8);
    });
  });

  it('answers 404 lead_not_found for an id naming a shard that is not bound', async () => {
    const response = await admin('/leads/c0ffee00-0000-8007-8000-000000000001');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'lead_not_found' } });
  });
});
