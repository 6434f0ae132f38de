/**
 * @module The admin list of leads over every shard, hot and archived alike: each shard answers its
 * newest page after the cursor (from `leads` and from the archive's index rows), and the pages are
 * merged by time and id, so the list reads as if there were one database.
 */
import type { LeadStatus } from '../../shared/lead.ts';
import { shards } from './shards.ts';

interface ListedRow {
  id: string;
  form_id: string;
  status: LeadStatus;
  created_at: string;
  updated_at: string;
  archived: number;
}

export interface ListQuery {
  status?: LeadStatus;
  form?: string;
  cursor?: string;
  limit: number;
}

function whereOf({ status, form, cursor }: ListQuery): { sql: string; bind: unknown[] } {
  const where: string[] = [];
  const bind: unknown[] = [];
  if (status) where.push('status = ?') && bind.push(status);
  if (form) where.push('form_id = ?') && bind.push(form);
  if (cursor) {
    const [createdAt, id] = cursor.split('|');
    where.push('(created_at, id) < (?, ?)');
    bind.push(createdAt, id);
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', bind };
}

/** SQLite's own order (bytes, not locale), so the merge agrees with each shard's ORDER BY. */
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const newestFirst = (a: ListedRow, b: ListedRow) => byBytes(b.created_at, a.created_at) || byBytes(b.id, a.id);

/** A page of leads, newest first: filtered by status and form, after a cursor. */
export async function listLeads(env: Env, query: ListQuery) {
  const { sql, bind } = whereOf(query);
  const pages = await Promise.all(
    shards(env).map(({ db }) =>
      db
        .prepare(
          `SELECT * FROM (
             SELECT id, form_id, status, created_at, updated_at, 0 AS archived FROM leads ${sql}
             UNION ALL
             SELECT id, form_id, status, created_at, updated_at, 1 AS archived FROM archived_leads ${sql})
           ORDER BY created_at DESC, id DESC LIMIT ?`,
        )
        .bind(...bind, ...bind, query.limit + 1)
        .all<ListedRow>(),
    ),
  );
  const rows = pages.flatMap((p) => p.results).sort(newestFirst);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    leads: page.map((r) => ({
      leadId: r.id,
      formId: r.form_id,
      status: r.status,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      archived: r.archived === 1,
    })),
    nextCursor: rows.length > query.limit && last ? `${last.created_at}|${last.id}` : null,
  };
}
