/**
 * Crash test: no lead and no step is lost when the relay's runtime dies mid-flight. The provider
 * sandbox runs in this process (it outlives the relay and counts what each provider took); the
 * relay runs as `npm start` runs it. Leads that bring steps with them (demo-all fans out to four
 * providers, demo-getlead adds a note and a call task, LeadExec ping → post an accept per chosen
 * offer) go in while the providers are slow and sometimes fail; then the relay's whole process group
 * (wrangler and workerd) gets SIGKILL and starts again on the same local state. Local queues live in
 * memory and die with workerd: what they held is found again by the sweep (the Cron Trigger, run
 * here through wrangler's `/__scheduled`). Prints lost, unfinished and, per provider, what was taken
 * more than once; exits 1 if any lead or step is lost or unfinished.
 * A script, not a test: `npm run crash`.
 */
import { fileURLToPath } from 'node:url';
import { SANDBOX_PROVIDERS } from '../demo/sandbox/index.ts';
import { FORMS, leadView, providerTakes, sendLead, settle, sleep, startSandboxedRelay } from './lib/sandboxed-relay.ts';

const PER_FORM = 40;
const SETTLE_TIMEOUT_MS = Number(process.env.SETTLE_TIMEOUT_MS ?? 180_000);

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const relay = await startSandboxedRelay(['STRANDED_AFTER_SECONDS:20', 'DELIVERY_MAX_ATTEMPTS:6']);
const run = Date.now().toString(36);
const accepted: string[] = [];
let unanswered = 0;
try {
  // Slow providers keep attempts in flight; a few 503s leave deliveries retrying when the relay dies.
  for (const provider of SANDBOX_PROVIDERS) {
    relay.sandbox.state.addFault(provider, { fault: { kind: 'slow', ms: 800 }, times: 60 });
    relay.sandbox.state.addFault(provider, { fault: { kind: 'status', status: 503 }, times: 10 });
  }
  const sending: Promise<void>[] = [];
  for (let n = 0; n < PER_FORM; n++) {
    for (const formId of FORMS) {
      sending.push(
        sendLead(relay.url, formId, run, n).then(
          (leadId) => {
            if (leadId) accepted.push(leadId);
          },
          () => {
            // The relay died under this request: the consumer was never told, so it is not counted.
            unanswered += 1;
          },
        ),
      );
    }
    await sleep(15);
  }
  await sleep(1500);
  const taken = relay.sandbox.state.received.length;
  console.log(`[crash] SIGKILL with ${accepted.length} leads answered and ${taken} provider requests made`);
  process.kill(-relay.server.pid, 'SIGKILL');
  // The providers are well again: what follows measures recovery, not the faults.
  relay.sandbox.state.clearFaults();
  await Promise.allSettled(sending);
  await relay.restart();
  const { missing, unfinished, seconds } = await settle(relay.url, accepted, SETTLE_TIMEOUT_MS);

  const views = await Promise.all(accepted.map((leadId) => leadView(relay.url, leadId)));
  const deliveries = views.flatMap((v) => v?.deliveries ?? []);
  const steps = views.flatMap((v) => v?.steps ?? []);
  const count = (rows: { status: string }[], status: string) => rows.filter((r) => r.status === status).length;
  console.log(`[crash] settled ${seconds.toFixed(1)} s after the restart; ${unanswered} requests lost their answer`);
  console.log(
    `[crash] leads answered ${accepted.length}, in D1 ${views.filter(Boolean).length}, lost ${missing.length}, unfinished ${unfinished.length}`,
  );
  for (const [name, rows] of [
    ['deliveries', deliveries],
    ['steps', steps],
  ] as const) {
    console.log(
      `[crash] ${name} ${rows.length}: delivered ${count(rows, 'delivered')}, rejected ${count(rows, 'rejected')}, failed ${count(rows, 'failed')}`,
    );
  }
  for (const p of providerTakes(relay.sandbox)) {
    console.log(`[crash] ${p.provider}: ${p.taken} requests taken, ${p.duplicated} taken more than once`);
  }
  process.exitCode = missing.length > 0 || unfinished.length > 0 ? 1 : 0;
} finally {
  await relay.stop();
}
