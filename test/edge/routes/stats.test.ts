import { describe, expect, it } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import { admin, leadWhen, postLead, relay, validTakePaymentsLead, withForm } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface Stats {
  leads: { total: number; byStatus: Record<string, number> };
  series: { at: string; leads: number }[];
  providers: {
    provider: string;
    delivered: number;
    rejected: number;
    failed: number;
    deadLetters: number;
    latencyMs: { p50: number | null; p95: number | null };
  }[];
  byOrigin: { origin: string; leads: number }[];
  byUtmSource: { utmSource: string; leads: number }[];
}

describe('GET /v1/admin/stats', () => {
  it('counts a form’s leads by status and each provider’s outcomes and latency', async () => {
    const base = demoForms.find((f) => f.id === 'demo-takepayments');
    const id = `stats-${crypto.randomUUID().slice(0, 8)}`;
    await withForm({ ...base, id }, async () => {
      const lead = (body: unknown) =>
        postLead(id, body).then(async (r) => ((await r.json()) as { leadId: string }).leadId);
      const delivered = await lead({
        ...validTakePaymentsLead,
        context: { pageUrl: 'https://shop.example.com/quote', utm_source: 'newsletter' },
      });
      await leadWhen(delivered, (l: { status: string }) => expect(l.status).toBe('delivered'));
      // TakePayments says no: a rejected delivery, not retried.
      sandbox.state.addFault('takepayments', {
        fault: { kind: 'status', status: 400, body: '{"Message":"Invalid"}' },
        times: 1,
      });
      const rejected = await lead(validTakePaymentsLead);
      await leadWhen(rejected, (l: { status: string }) => expect(l.status).toBe('rejected'));

      const stats = (await (await admin(`/stats?form=${id}&by=day`)).json()) as Stats;
      expect(stats.leads.total).toBe(2);
      expect(stats.leads.byStatus).toMatchObject({ delivered: 1, rejected: 1 });
      expect(stats.series).toEqual([
        { at: new Date().toISOString().slice(0, 10), views: 0, starts: 0, submits: 0, successes: 0, leads: 2 },
      ]);
      const takepayments = stats.providers.find((p) => p.provider === 'takepayments');
      expect(takepayments).toMatchObject({ delivered: 1, rejected: 1, failed: 0, deadLetters: 0 });
      expect(takepayments?.latencyMs.p50).toBeGreaterThanOrEqual(0);
      expect(takepayments?.latencyMs.p95).toBeGreaterThanOrEqual(takepayments?.latencyMs.p50 ?? 0);
      expect(stats.byOrigin.find((o) => o.origin === 'https://shop.example.com')?.leads).toBe(1);
      expect(stats.byUtmSource.find((o) => o.utmSource === 'newsletter')?.leads).toBe(1);
      expect(stats.byUtmSource.find((o) => o.utmSource === 'google')?.leads).toBe(1);

      const fromShop = (await (await admin(`/stats?form=${id}&origin=https://shop.example.com`)).json()) as Stats;
      expect(fromShop.leads.total).toBe(1);
    });
  });

  it('answers 400 naming the field and rule for a bad period', async () => {
    const response = await admin('/stats?from=yesterday');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { issues: { path: string }[] } };
    expect(body.error.issues[0]?.path).toBe('query.from');
  });

  it('needs the admin token', async () => {
    expect((await relay('/v1/admin/stats')).status).toBe(401);
  });
});
