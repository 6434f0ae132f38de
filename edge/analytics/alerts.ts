/**
 * @module Operator alerts to `ALERT_WEBHOOK_URL` (a Slack-compatible JSON POST with `text`): when a
 * provider fails at least `ALERT_FAILURE_RATE` of its attempts over the last 15 minutes (checked
 * by the every-minute Cron Trigger, from `ALERT_MIN_ATTEMPTS` attempts on), and when a delivery or
 * step reaches the dead-letter queue. At most one alert per provider per hour, whatever the kind:
 * the claim on the hour is written before the POST, so two isolates never both send.
 */
import { shards } from '../storage/shards.ts';

const WINDOW_MS = 15 * 60_000;
const QUIET_MS = 60 * 60_000;

export type AlertKind = 'failure_rate' | 'dead_letter';

export interface Alert {
  provider: string;
  kind: AlertKind;
  text: string;
}

function setting(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) ? n : fallback;
}

/** Sends an alert unless this provider had one within the hour; answers whether it was sent. */
export async function sendAlert(env: Env, alert: Alert, now = Date.now()): Promise<boolean> {
  if (!env.ALERT_WEBHOOK_URL) return false;
  const at = new Date(now).toISOString();
  const claimed = await env.DB.prepare(
    `INSERT INTO alerts (provider, last_sent_at, last_kind) VALUES (?, ?, ?)
     ON CONFLICT (provider) DO UPDATE SET last_sent_at = excluded.last_sent_at, last_kind = excluded.last_kind
     WHERE alerts.last_sent_at <= ?`,
  )
    .bind(alert.provider, at, alert.kind, new Date(now - QUIET_MS).toISOString())
    .run();
  if (claimed.meta.changes !== 1) return false;
  try {
    const response = await fetch(env.ALERT_WEBHOOK_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: `lead-capture: ${alert.text}`, provider: alert.provider, kind: alert.kind, at }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return true;
  } catch (error) {
    // An alert is best effort: the admin page shows the same failures; the log says it was missed.
    console.error(JSON.stringify({ at: 'alert', provider: alert.provider, kind: alert.kind, error: String(error) }));
    return false;
  }
}

/** The providers failing too often over the last 15 minutes, each alerted (within its hourly quota). */
export async function checkFailureRates(env: Env, now = Date.now()): Promise<Alert[]> {
  if (!env.ALERT_WEBHOOK_URL) return [];
  const threshold = setting(env.ALERT_FAILURE_RATE, 0.5);
  const minimum = setting(env.ALERT_MIN_ATTEMPTS, 10);
  // Each shard's attempts, added up: a provider's rate is over every lead it was sent.
  const perShard = await Promise.all(
    shards(env).map(({ db }) =>
      db
        .prepare(
          `SELECT d.provider, COUNT(*) AS attempts, SUM(a.outcome != 'delivered') AS failures
           FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
           WHERE a.started_at >= ? GROUP BY d.provider`,
        )
        .bind(new Date(now - WINDOW_MS).toISOString())
        .all<{ provider: string; attempts: number; failures: number }>(),
    ),
  );
  const totals = new Map<string, { provider: string; attempts: number; failures: number }>();
  for (const row of perShard.flatMap((r) => r.results)) {
    const total = totals.get(row.provider) ?? { provider: row.provider, attempts: 0, failures: 0 };
    total.attempts += row.attempts;
    total.failures += row.failures;
    totals.set(row.provider, total);
  }
  const alerts: Alert[] = [];
  for (const row of totals.values()) {
    if (row.attempts < minimum || row.failures / row.attempts < threshold) continue;
    const alert: Alert = {
      provider: row.provider,
      kind: 'failure_rate',
      text: `${row.provider} failed ${row.failures} of ${row.attempts} attempts (${Math.round((100 * row.failures) / row.attempts)}%) in the last 15 minutes`,
    };
    if (await sendAlert(env, alert, now)) alerts.push(alert);
  }
  return alerts;
}
