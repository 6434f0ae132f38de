/**
 * Chaos load: 2,000 leads at concurrency 50 across demo-all, demo-getlead (its note and call task)
 * and demo-leadexec (ping → offers → post, an accept per offer), while every simulator fails about
 * 20% of its calls at random from a fixed seed (500, 429 with Retry-After, a hang, a malformed body,
 * a dropped connection). Afterwards every lead and step must be delivered, rejected or failed
 * (dead-lettered); the failed ones are replayed with the faults off and must then all succeed.
 * Prints leads/s, p50/p99 of the answer, time to drain, attempts per delivery and step, and what
 * each provider took more than once; exits 1 if anything is lost or left unfinished.
 * A script, not a test: `npm run chaos`.
 */
import { fileURLToPath } from 'node:url';
import { SANDBOX_SECRETS } from '../demo/sandbox/keys.ts';
import { FORMS, leadView, providerTakes, sendLead, settle, startSandboxedRelay } from './lib/sandboxed-relay.ts';
import { fmt, percentile } from './lib/stats.ts';

const LEADS = Number(process.env.LEADS ?? 2000);
const CONCURRENCY = 50;
const FAULT_RATE = 0.2;
const SEED = 20261201;
const DRAIN_TIMEOUT_MS = Number(process.env.DRAIN_TIMEOUT_MS ?? 600_000);

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
// Short backoffs and timeouts, so a failing lead reaches its dead letter in seconds, as in the demo.
const relay = await startSandboxedRelay([
  'DELIVERY_MAX_ATTEMPTS:4',
  'DELIVERY_BACKOFF_SECONDS:1',
  'DELIVERY_TIMEOUT_MS:2000',
  'STRANDED_AFTER_SECONDS:60',
]);
const run = Date.now().toString(36);
try {
  relay.sandbox.state.setChaos({ rate: FAULT_RATE, seed: SEED });
  const accepted: string[] = [];
  const durations: number[] = [];
  let refused = 0;
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let n = next++; n < LEADS; n = next++) {
        const formId = FORMS[n % FORMS.length] ?? 'demo-all';
        const begun = performance.now();
        const leadId = await sendLead(relay.url, formId, run, n).catch(() => undefined);
        durations.push(performance.now() - begun);
        if (leadId) accepted.push(leadId);
        else refused += 1;
      }
    }),
  );
  const sendSeconds = (Date.now() - started) / 1000;
  durations.sort((a, b) => a - b);
  console.log(
    `[chaos] ${accepted.length} of ${LEADS} leads answered in ${sendSeconds.toFixed(1)} s (${fmt(accepted.length / sendSeconds)} leads/s); answer p50 ${fmt(percentile(durations, 50))} ms, p99 ${fmt(percentile(durations, 99))} ms; ${refused} refused or unanswered`,
  );

  const drained = await settle(relay.url, accepted, DRAIN_TIMEOUT_MS);
  console.log(
    `[chaos] drained in ${drained.seconds.toFixed(1)} s: lost ${drained.missing.length}, unfinished ${drained.unfinished.length}`,
  );
  const views = (
    await Promise.all(accepted.map(async (leadId) => ({ leadId, lead: await leadView(relay.url, leadId) })))
  ).filter((v) => v.lead);
  const rows = views.flatMap((v) => [...(v.lead?.deliveries ?? []), ...(v.lead?.steps ?? [])]);
  const tally = (status: string) => rows.filter((r) => r.status === status).length;
  console.log(
    `[chaos] ${rows.length} deliveries and steps: delivered ${tally('delivered')}, rejected ${tally('rejected')}, failed (dead-lettered) ${tally('failed')}`,
  );
  const attempts = rows.map((r) => r.attempts).sort((a, b) => a - b);
  console.log(
    `[chaos] attempts per delivery or step: mean ${fmt(attempts.reduce((a, b) => a + b, 0) / attempts.length)}, max ${attempts.at(-1)}`,
  );

  // Faults off; every lead with something failed is replayed and must then be all through.
  relay.sandbox.state.setChaos({ rate: 0, seed: SEED });
  const failedLeads = views.filter((v) =>
    [...(v.lead?.deliveries ?? []), ...(v.lead?.steps ?? [])].some((d) => d.status === 'failed'),
  );
  for (const { leadId } of failedLeads) {
    await fetch(`${relay.url}/v1/admin/leads/${leadId}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
    });
  }
  const replayed = await settle(
    relay.url,
    failedLeads.map((v) => v.leadId),
    DRAIN_TIMEOUT_MS,
  );
  const after = await Promise.all(failedLeads.map((v) => leadView(relay.url, v.leadId)));
  const stillFailed = after
    .flatMap((l) => [...(l?.deliveries ?? []), ...(l?.steps ?? [])])
    .filter((d) => d.status === 'failed');
  console.log(
    `[chaos] replayed ${failedLeads.length} leads in ${replayed.seconds.toFixed(1)} s: ${stillFailed.length} deliveries or steps still failed, ${replayed.unfinished.length} unfinished`,
  );
  for (const p of providerTakes(relay.sandbox)) {
    console.log(`[chaos] ${p.provider}: ${p.taken} requests taken, ${p.duplicated} taken more than once`);
  }
  const bad = drained.missing.length + drained.unfinished.length + stillFailed.length + replayed.unfinished.length;
  process.exitCode = bad > 0 ? 1 : 0;
} finally {
  await relay.stop();
}
