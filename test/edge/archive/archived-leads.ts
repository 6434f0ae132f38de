/**
 * What the archive's tests share: forms that archive at once, a finished lead, and what D1 and R2
 * hold of it.
 */
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import { dbOf } from '../../../edge/storage/shards.ts';
import { leadWhen, postLead, validTakePaymentsLead } from '../helpers.ts';

export const DAY = 86_400_000;
export const takepayments = demoForms.find((f) => f.id === 'demo-takepayments');
export const getlead = demoForms.find((f) => f.id === 'demo-getlead');

export interface View {
  leadId: string;
  status: string;
  archived: boolean;
  purgedAt: string | null;
  fields: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  erasure: { reason: string } | null;
  deliveries: { status: string; attemptLog: { response: string | null }[] }[];
  steps: { status: string }[];
}

interface IndexRow {
  object_key: string;
  sha256: string;
  archived_day: string;
  email_hash: string | null;
  purged_at: string | null;
}

/** A form like `base` that archives its finished leads at the next maintenance run. */
export function archivingForm(base: unknown, extra: Record<string, unknown> = {}) {
  return { ...(base as object), id: `arch-${crypto.randomUUID().slice(0, 8)}`, archiveAfterDays: 0, ...extra };
}

export async function delivered(formId: string, body: unknown = validTakePaymentsLead): Promise<View> {
  const response = await postLead(formId, body, { 'user-agent': 'Mozilla/5.0 (archive test)' });
  expect(response.status).toBe(202);
  const { leadId } = (await response.json()) as { leadId: string };
  // Finished: delivered, and every step (Getlead's note) through too.
  return leadWhen<View>(leadId, (l) => {
    expect(l.status).toBe('delivered');
    expect(l.steps.filter((s) => s.status !== 'delivered')).toEqual([]);
  });
}

export function rowsInD1(leadId: string) {
  const db = dbOf(env, leadId);
  const count = (sql: string) => db.prepare(sql).bind(leadId).first<number>('n');
  return Promise.all([
    count('SELECT COUNT(*) AS n FROM leads WHERE id = ?'),
    count('SELECT COUNT(*) AS n FROM deliveries WHERE lead_id = ?'),
    count('SELECT COUNT(*) AS n FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE lead_id = ?)'),
    count('SELECT COUNT(*) AS n FROM consent_snapshots WHERE lead_id = ?'),
  ]);
}

export function indexRow(leadId: string) {
  return dbOf(env, leadId)
    .prepare('SELECT object_key, sha256, archived_day, email_hash, purged_at FROM archived_leads WHERE id = ?')
    .bind(leadId)
    .first<IndexRow>();
}

export async function objectText(leadId: string): Promise<string> {
  const row = await indexRow(leadId);
  return (await (await env.ARCHIVE.get(row?.object_key ?? ''))?.text()) ?? '';
}
