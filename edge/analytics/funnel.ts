/**
 * @module Funnel events into storage. D1 keeps an hourly rollup (one upsert per event kind and
 * hour), which the admin reads and which works offline; on Cloudflare each event also goes to
 * Workers Analytics Engine, which takes any volume without touching the database and answers SQL
 * over raw events for what the rollup does not keep.
 */
import type { FunnelEvents } from '../../shared/events.ts';

export interface EventSource {
  formId: string;
  /** The partner page's origin, as the form allowed it; empty when a server sent the events. */
  origin: string;
}

/** The hour an instant falls in, as the rollup keys it: `2026-12-01T14`. */
export function hourOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

export async function recordEvents(env: Env, source: EventSource, body: FunnelEvents, now = Date.now()): Promise<void> {
  const hour = hourOf(now);
  const utmSource = body.utm_source ?? '';
  const counted = new Map<string, { type: string; step: number; code: string; count: number; total: number }>();
  for (const event of body.events) {
    const step = event.step ?? -1;
    const code = event.code ?? '';
    const key = `${event.type}\n${step}\n${code}`;
    const entry = counted.get(key) ?? { type: event.type, step, code, count: 0, total: 0 };
    entry.count += 1;
    entry.total += event.count ?? 0;
    counted.set(key, entry);
    env.FUNNEL.writeDataPoint({
      indexes: [source.formId],
      blobs: [event.type, source.origin, utmSource, code],
      doubles: [step, event.count ?? 0],
    });
  }
  await env.DB.batch(
    [...counted.values()].map((e) =>
      env.DB.prepare(
        `INSERT INTO funnel_hourly (form_id, hour, origin, utm_source, type, step, code, count, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (form_id, hour, origin, utm_source, type, step, code)
         DO UPDATE SET count = count + excluded.count, total = total + excluded.total`,
      ).bind(source.formId, hour, source.origin, utmSource, e.type, e.step, e.code, e.count, e.total),
    ),
  );
}
