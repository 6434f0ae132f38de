/**
 * The archive's manifests as an auditor reads them: each day's archived leads with their SHA-256,
 * signed as certificates are and chained to the day before, served once the day is over.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../../demo/sandbox/keys.ts';
import { admin, runMaintenance, withForm } from '../helpers.ts';
import { archivingForm, DAY, delivered, indexRow, takepayments } from './archived-leads.ts';

/** The canonical JSON the relay signs: every object's keys sorted. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

interface Signed {
  manifest: {
    day: string;
    previousDay: string | null;
    previousSha256: string | null;
    count: number;
    leads: { leadId: string; sha256: string }[];
  };
  sha256: string;
  signature: string;
}

describe('the archive’s manifests', () => {
  it('lists each archived lead with its SHA-256 once its day is over, signed and chained to the day before', async () => {
    const form = archivingForm(takepayments);
    await withForm(form, async () => {
      const lead = await delivered(form.id);
      await runMaintenance();
      const row = await indexRow(lead.leadId);
      const day = row?.archived_day ?? '';
      expect((await admin(`/archive/manifests/${day}`)).status).toBe(404);

      // The first run after the day (and its margin) has ended seals it.
      await runMaintenance({}, Date.parse(`${day}T00:00:00Z`) + DAY + 20 * 60_000);
      const response = await admin(`/archive/manifests/${day}`);
      expect(response.status).toBe(200);
      const signed = (await response.json()) as Signed;
      expect(signed.manifest.leads).toContainEqual({ leadId: lead.leadId, sha256: row?.sha256 });
      expect(signed.manifest.count).toBe(signed.manifest.leads.length);
      const hash = createHash('sha256')
        .update(JSON.stringify(canonical(signed.manifest)))
        .digest('hex');
      expect(signed.sha256).toBe(hash);
      expect(signed.signature).toBe(
        createHmac('sha256', SANDBOX_SECRETS.CERTIFICATE_SECRET).update(hash).digest('hex'),
      );

      // A lead archived now joins the next day's manifest, which carries this one's hash.
      const next = await delivered(form.id);
      await runMaintenance();
      const nextDay = (await indexRow(next.leadId))?.archived_day ?? '';
      expect(nextDay > day).toBe(true);
      await runMaintenance({}, Date.parse(`${nextDay}T00:00:00Z`) + DAY + 20 * 60_000);
      const following = (await (await admin(`/archive/manifests/${nextDay}`)).json()) as Signed;
      expect(following.manifest).toMatchObject({ previousDay: day, previousSha256: signed.sha256 });
      expect(following.manifest.leads).toContainEqual({ leadId: next.leadId, sha256: expect.any(String) });
    });
  });

  it('answers 400 for a day that is not YYYY-MM-DD', async () => {
    const response = await admin('/archive/manifests/yesterday');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'validation_failed', issues: [{ path: 'day', rule: 'format' }] },
    });
  });
});
