/**
 * The audit log as an admin reads it: an entry for each change and each bulk read of personal
 * data, with who, their role, what, on what and from where; written with the change (in the lead's
 * shard) and listed over every shard with filters and paging; an erasure redacts the person's
 * identifier in it and keeps the entries.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../../edge/app.ts';
import { dbOf } from '../../../edge/storage/shards.ts';
import { admin, leadWhen, postLead, validTakePaymentsLead } from '../helpers.ts';
import { as, tokenOf } from './team.ts';

interface Entry {
  id: string;
  at: string;
  actor: { type: string; id: string; name: string };
  role: string;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

async function entries(query: string): Promise<{ entries: Entry[]; cursor: string | null }> {
  const response = await admin(`/audit?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { entries: Entry[]; cursor: string | null };
}

async function newLead(email = 'ada@example.com'): Promise<string> {
  const body = { ...validTakePaymentsLead, fields: { ...validTakePaymentsLead.fields, email } };
  const { leadId } = (await (await postLead('demo-takepayments', body)).json()) as { leadId: string };
  await leadWhen<{ status: string }>(leadId, (l) => expect(l.status).toBe('delivered'));
  return leadId;
}

describe('the audit log', () => {
  it('records who erased a lead, with their role and address, in the lead’s own shard', async () => {
    const leadId = await newLead();
    const { id, token } = await tokenOf('admin', 'privacy desk');
    const response = await as(token, `/leads/${leadId}?reason=asked`, {
      method: 'DELETE',
      headers: { 'cf-connecting-ip': '198.51.100.7' },
    });
    expect(response.status).toBe(200);
    const { entries: found } = await entries(`target=${encodeURIComponent(`lead:${leadId}`)}`);
    expect(found).toEqual([
      {
        id: expect.any(String),
        at: expect.any(String),
        actor: { type: 'token', id, name: 'privacy desk' },
        role: 'admin',
        action: 'lead.erase',
        target: `lead:${leadId}`,
        ip: '198.51.100.7',
        details: { reason: 'asked', matchedBy: null, cancel: false },
      },
    ]);
    const inShard = await dbOf(env, leadId)
      .prepare('SELECT COUNT(*) AS n FROM audit_log WHERE target = ?')
      .bind(`lead:${leadId}`)
      .first<number>('n');
    expect(inShard).toBe(1);
    expect((await adminLead(leadId)).erasure).toMatchObject({ requestedBy: 'token:privacy desk' });
  });

  it('records a change by the names of the answers changed, never their values', async () => {
    const leadId = await newLead();
    await admin(`/leads/${leadId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { company: 'Difference Engines plc' } }),
    });
    const { entries: found } = await entries(`action=lead.change&target=${encodeURIComponent(`lead:${leadId}`)}`);
    expect(found.map((e) => e.details)).toEqual([{ fields: ['company'] }]);
    expect(JSON.stringify(found)).not.toContain('Difference');
  });

  it('records a subject export with the identifier, and an erasure of the subject redacts it there', async () => {
    const email = `audited.${crypto.randomUUID().slice(0, 8)}@example.com`;
    await newLead(email);
    await admin(`/subjects?email=${encodeURIComponent(email)}`);
    const exported = (await entries('action=subject.export')).entries.filter((e) => e.details.email === email);
    expect(exported).toHaveLength(1);
    const target = exported[0]?.target ?? '';
    expect(target).toMatch(/^subject:[0-9a-f]{64}$/);

    await admin(`/subjects?email=${encodeURIComponent(email)}`, { method: 'DELETE' });
    const after = (await entries(`target=${encodeURIComponent(target)}`)).entries;
    expect(after.map((e) => e.action).sort()).toEqual(['subject.erase', 'subject.export']);
    expect(after.find((e) => e.action === 'subject.export')?.details).toEqual({ email: '[erased]', leads: 1 });
    expect(JSON.stringify(after)).not.toContain(email);
  });

  it('pages newest first over every shard, and filters by actor', async () => {
    const { id, token } = await tokenOf('admin', 'pager');
    for (let i = 0; i < 5; i++)
      await as(token, `/operators/pager-${i}@example.com`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'viewer' }),
      });
    const seen: Entry[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await entries(`actor=${id}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.entries);
      cursor = page.cursor;
    }
    expect(seen.map((e) => e.target)).toEqual([4, 3, 2, 1, 0].map((i) => `operator:pager-${i}@example.com`));
  });

  it('is read by admins only, and no route edits or deletes an entry', async () => {
    const { token } = await tokenOf('operator');
    expect((await as(token, '/audit')).status).toBe(403);
    const writes = app.routes.filter(
      (r) => r.path.startsWith('/v1/admin/audit') && r.method !== 'GET' && r.method !== 'ALL',
    );
    expect(writes).toEqual([]);
  });
});

async function adminLead(leadId: string): Promise<{ erasure: unknown }> {
  return (await (await admin(`/leads/${leadId}`)).json()) as { erasure: unknown };
}
