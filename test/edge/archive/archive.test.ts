/**
 * The archive as an operator meets it: a finished lead past its form's `archiveAfterDays` leaves D1
 * for one R2 object at the next maintenance run, and is still found, shown, certified, counted,
 * exported and erased as before; what is no longer possible says so. (Manifests: manifests.test.ts.)
 */

import { env } from 'cloudflare:workers';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../../edge/storage/shards.ts';
import {
  admin,
  adminLead,
  getleadPerson,
  relay,
  runMaintenance,
  runPurge,
  validTakePaymentsLead,
  withForm,
} from '../helpers.ts';
import { refusingPuts } from '../store-faults.ts';
import {
  archivingForm,
  DAY,
  delivered,
  getlead,
  indexRow,
  objectText,
  rowsInD1,
  takepayments,
  type View,
} from './archived-leads.ts';

describe('archiving a finished lead', () => {
  it('moves it to one R2 object whose SHA-256 its index row keeps, and deletes its rows from D1', async () => {
    const form = archivingForm(takepayments);
    await withForm(form, async () => {
      const lead = await delivered(form.id);
      expect(await rowsInD1(lead.leadId)).toEqual([1, 1, 1, 0]);
      await runMaintenance();
      expect(await rowsInD1(lead.leadId)).toEqual([0, 0, 0, 0]);
      const row = await indexRow(lead.leadId);
      const text = await objectText(lead.leadId);
      expect(createHash('sha256').update(text).digest('hex')).toBe(row?.sha256);
      expect(JSON.parse(text)).toMatchObject({ version: 1, lead: { leadId: lead.leadId, fields: lead.fields } });
    });
  });

  it('shows the same lead afterwards, marked archived, and lists it as archived', async () => {
    const form = archivingForm(takepayments);
    await withForm(form, async () => {
      const before = await delivered(form.id);
      expect(before.archived).toBe(false);
      await runMaintenance();
      const after = await adminLead<View & { archivedAt: string }>(before.leadId);
      expect(after).toEqual({ ...before, archived: true, archivedAt: expect.any(String) });
      const list = (await (await admin(`/leads?form=${form.id}`)).json()) as {
        leads: { leadId: string; archived: boolean; status: string }[];
      };
      expect(list.leads).toEqual([
        expect.objectContaining({ leadId: before.leadId, archived: true, status: 'delivered' }),
      ]);
    });
  });

  it('leaves a lead whose delivery is not final in D1', async () => {
    const form = archivingForm(takepayments);
    await withForm(form, async () => {
      const { leadId } = await delivered(form.id);
      // As a delivery waiting for its next attempt is.
      await dbOf(env, leadId)
        .prepare("UPDATE deliveries SET status = 'retrying', next_attempt_at = ? WHERE lead_id = ?")
        .bind(new Date(Date.now() + DAY).toISOString(), leadId)
        .run();
      await runMaintenance();
      expect((await rowsInD1(leadId))[0]).toBe(1);
      expect(await indexRow(leadId)).toBeNull();
    });
  });

  it('keeps a lead in D1, whole, while the archive refuses its object', async () => {
    const form = archivingForm(takepayments);
    await withForm(form, async () => {
      const lead = await delivered(form.id);
      await runMaintenance({ ARCHIVE: refusingPuts(env.ARCHIVE) });
      expect(await rowsInD1(lead.leadId)).toEqual([1, 1, 1, 0]);
      expect(await indexRow(lead.leadId)).toBeNull();
      await runMaintenance();
      expect(await rowsInD1(lead.leadId)).toEqual([0, 0, 0, 0]);
    });
  });

  it('leaves a lead erased while its object was being written in D1, and archives it erased next time', async () => {
    const form = archivingForm(takepayments);
    await withForm(form, async () => {
      const lead = await delivered(form.id);
      let erased = false;
      // The operator's erasure lands between the archive's read of the lead and its move out of D1.
      const racing = new Proxy(env.ARCHIVE, {
        get(target, property) {
          const value = Reflect.get(target, property);
          if (property !== 'put') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: Parameters<R2Bucket['put']>) => {
            if (!erased) {
              erased = true;
              expect((await admin(`/leads/${lead.leadId}`, { method: 'DELETE' })).status).toBe(200);
            }
            return target.put(...args);
          };
        },
      });
      await runMaintenance({ ARCHIVE: racing });
      expect(erased).toBe(true);
      expect((await rowsInD1(lead.leadId))[0]).toBe(1);
      expect(await indexRow(lead.leadId)).toBeNull();
      expect((await env.ARCHIVE.list({ prefix: 'leads/' })).objects.map((o) => o.key)).not.toContainEqual(
        expect.stringContaining(lead.leadId),
      );
      await runMaintenance();
      expect(await adminLead<View>(lead.leadId)).toMatchObject({
        archived: true,
        fields: {},
        erasure: expect.any(Object),
      });
      expect(await objectText(lead.leadId)).not.toContain('Lovelace');
    });
  });

  it('answers /v1/admin/stats for the period exactly as before', async () => {
    const form = archivingForm(getlead);
    await withForm(form, async () => {
      await Promise.all([delivered(form.id, getleadPerson()), delivered(form.id, getleadPerson())]);
      const query = new URLSearchParams({
        form: form.id,
        from: new Date(Date.now() - DAY).toISOString(),
        to: new Date(Date.now() + DAY).toISOString(),
      });
      const numbers = async () => (await admin(`/stats?${query}`)).json();
      const before = await numbers();
      expect(before).toMatchObject({ leads: { total: 2 } });
      await runMaintenance();
      expect(await countArchived(form.id)).toBe(2);
      expect(await numbers()).toEqual(before);
    });
  });

  it('still gives a consent certificate that verifies, the same as before', async () => {
    const form = archivingForm(takepayments);
    await withForm(form, async () => {
      const lead = await delivered(form.id);
      const certificate = async () => (await admin(`/leads/${lead.leadId}/certificate`)).json();
      const before = await certificate();
      await runMaintenance();
      const after = await certificate();
      expect(after).toEqual(before);
      const verified = await relay('/v1/certificates/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': '192.0.2.77' },
        body: JSON.stringify(after),
      });
      expect(await verified.json()).toEqual({ valid: true });
    });
  });

  it('answers 409 lead_archived to a replay, a change, an action, a cancel and a status request', async () => {
    const form = archivingForm(getlead);
    await withForm(form, async () => {
      const lead = await delivered(form.id, getleadPerson());
      await runMaintenance();
      const json = { 'content-type': 'application/json' };
      const calls = [
        admin(`/leads/${lead.leadId}/replay`, { method: 'POST' }),
        admin(`/leads/${lead.leadId}`, {
          method: 'PATCH',
          headers: json,
          body: JSON.stringify({ fields: { company: 'X' } }),
        }),
        admin(`/leads/${lead.leadId}/actions`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ provider: 'getlead', kind: 'note', note: 'hello' }),
        }),
        admin(`/leads/${lead.leadId}/cancel`, { method: 'POST' }),
        admin(`/leads/${lead.leadId}/status`),
      ];
      for (const response of await Promise.all(calls)) {
        expect(response.status).toBe(409);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('lead_archived');
      }
    });
  });
});

async function countArchived(formId: string): Promise<number> {
  let n = 0;
  for (const db of [env.DB, env.DB_1]) {
    n +=
      (await db
        .prepare('SELECT COUNT(*) AS n FROM archived_leads WHERE form_id = ?')
        .bind(formId)
        .first<number>('n')) ?? 0;
  }
  return n;
}

describe('an archived lead and its person', () => {
  it('is in the subject export, and its erasure leaves nothing of the person in the object or the index', async () => {
    const form = archivingForm(takepayments);
    const email = `archived.${crypto.randomUUID().slice(0, 8)}@example.com`;
    const body = { ...validTakePaymentsLead, fields: { ...validTakePaymentsLead.fields, email } };
    await withForm(form, async () => {
      const lead = await delivered(form.id, body);
      await runMaintenance();
      const exported = (await (await admin(`/subjects?email=${encodeURIComponent(email.toUpperCase())}`)).json()) as {
        leads: View[];
      };
      expect(exported.leads.map((l) => [l.leadId, l.archived])).toEqual([[lead.leadId, true]]);

      const erased = await admin(`/subjects?email=${encodeURIComponent(email)}`, { method: 'DELETE' });
      expect(await erased.json()).toMatchObject({ erased: 1 });
      const text = await objectText(lead.leadId);
      for (const personal of [email, 'Lovelace', 'Analytical Engines', 'archive test', 'SW1A']) {
        expect(text).not.toContain(personal);
      }
      expect(await indexRow(lead.leadId)).toMatchObject({ email_hash: null, purged_at: expect.any(String) });
      const after = await adminLead<View>(lead.leadId);
      expect(after).toMatchObject({ archived: true, fields: {}, ip: null, erasure: { reason: 'erasure requested' } });
      expect(after.deliveries[0]?.attemptLog[0]?.response).toBeNull();
      const again = (await (await admin(`/subjects?email=${encodeURIComponent(email)}`)).json()) as { leads: View[] };
      expect(again.leads).toEqual([]);
    });
  });

  it('has its personal data removed from the archive once past its form’s retention', async () => {
    const form = archivingForm(takepayments, { retentionDays: 1 });
    await withForm(form, async () => {
      const lead = await delivered(form.id);
      await runMaintenance();
      await dbOf(env, lead.leadId)
        .prepare('UPDATE archived_leads SET created_at = ? WHERE id = ?')
        .bind(new Date(Date.now() - 2 * DAY).toISOString(), lead.leadId)
        .run();
      await runPurge();
      const after = await adminLead<View>(lead.leadId);
      expect(after).toMatchObject({
        archived: true,
        fields: {},
        ip: null,
        userAgent: null,
        purgedAt: expect.any(String),
      });
      expect(await objectText(lead.leadId)).not.toContain('Lovelace');
    });
  });

  it('is erased the way a lead in D1 is: the two views agree but for ids and times', async () => {
    const form = archivingForm(takepayments);
    await withForm(form, async () => {
      const [hot, cold] = await Promise.all([delivered(form.id), delivered(form.id)]);
      // Erased in D1, then archived; archived, then erased.
      await admin(`/leads/${hot.leadId}?reason=same`, { method: 'DELETE' });
      await runMaintenance();
      await admin(`/leads/${cold.leadId}?reason=same`, { method: 'DELETE' });
      const shape = (view: unknown) =>
        JSON.parse(
          JSON.stringify(view)
            .replace(/"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.\d+)?"/g, '"id"')
            .replace(/"\d{4}-\d{2}-\d{2}T[0-9:.]+Z"/g, '"time"')
            .replace(/"durationMs":\d+/g, '"durationMs":0'),
        );
      expect(shape(await adminLead(cold.leadId))).toEqual(shape(await adminLead(hot.leadId)));
    });
  });
});
