/**
 * @module The history of a form's texts in D1. The form files change; what a consumer read before
 * consenting must not, so every version served or consented under is kept, by its `textsVersion`.
 */
import { formTexts, textsVersion } from './index.ts';
import type { FormConfig } from './schema.ts';

/** Keeps a version of a form's texts unless it is already kept (first sight wins). */
export function keepTextsVersionStatement(
  db: D1Database,
  formId: string,
  shown: { version: string; texts: unknown },
  at: string,
): D1PreparedStatement {
  return db
    .prepare('INSERT OR IGNORE INTO form_texts (form_id, texts_version, texts, first_shown_at) VALUES (?, ?, ?, ?)')
    .bind(formId, shown.version, JSON.stringify(shown.texts), at);
}

/** Keeps this version of the form's texts unless it is already kept (first sight wins). */
export function keepTextsStatement(db: D1Database, form: FormConfig, at: string): D1PreparedStatement {
  return keepTextsVersionStatement(db, form.id, { version: textsVersion(form), texts: formTexts(form) }, at);
}

/**
 * Versions this isolate already wrote, per shard (each lead's evidence is in its own database), so
 * they are written once per version, not per view or lead.
 */
const keptIn = new WeakMap<D1Database, Set<string>>();
function kept(db: D1Database): Set<string> {
  const set = keptIn.get(db) ?? new Set<string>();
  keptIn.set(db, set);
  return set;
}
const keyOf = (form: FormConfig) => `${form.id}\n${textsVersion(form)}`;

/** Keeps the texts of a form being shown; written once per version and isolate, off the answer's path. */
export async function keepShownTexts(db: D1Database, form: FormConfig): Promise<void> {
  if (kept(db).has(keyOf(form))) return;
  await keepTextsStatement(db, form, new Date().toISOString()).run();
  kept(db).add(keyOf(form));
}

/**
 * The statement a lead's own batch carries to keep its texts, unless this isolate already wrote
 * them; `written` records that the batch did, once it has.
 */
export function textsForLead(db: D1Database, form: FormConfig, at: string) {
  const statements = kept(db).has(keyOf(form)) ? [] : [keepTextsStatement(db, form, at)];
  return { statements, written: () => kept(db).add(keyOf(form)) };
}

export interface TextsRow {
  form_id: string;
  texts_version: string;
  texts: string;
  first_shown_at: string;
}

export function textsOf(row: TextsRow) {
  return {
    formId: row.form_id,
    textsVersion: row.texts_version,
    firstShownAt: row.first_shown_at,
    texts: JSON.parse(row.texts) as ReturnType<typeof formTexts>,
  };
}

/** A version of a form's texts as a consumer was shown them, from whichever shard kept it. */
export async function loadTexts(dbs: readonly D1Database[], formId: string, version: string) {
  for (const db of dbs) {
    const row = await db
      .prepare('SELECT * FROM form_texts WHERE form_id = ? AND texts_version = ?')
      .bind(formId, version)
      .first<TextsRow>();
    if (row) return textsOf(row);
  }
  return null;
}
