/**
 * @module The sandbox: every provider simulator under its own path prefix (the relay's base URLs
 * point there), plus `/_sandbox/*` to read what each received and to plan faults. Web-standard
 * only, so it runs in Node for `npm start` and inside workerd for the relay tests.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { adapters } from '../../edge/providers/registry.ts';
import { capSimulator } from './cap.ts';
import { diallerSimulator } from './dialler.ts';
import { getleadSimulator } from './getlead.ts';
import { SANDBOX_SECRETS, type SandboxSecrets } from './keys.ts';
import { leadExecSimulator } from './leadexec/index.ts';
import { type Chaos, type FaultPlan, recordAndMisbehave, SandboxState } from './recorder.ts';
import { takePaymentsSimulator } from './takepayments.ts';

/** The providers the relay ships, each of which has a simulator here (the registry names them). */
export const SANDBOX_PROVIDERS = adapters.map((adapter) => adapter.name);

/** What differs between the sandbox of `npm start` and the tests' own. */
export interface SandboxOptions {
  /** Where LeadExec's approved send takes the consumer (see leadexec.ts). */
  buyerPageUrl?: string;
  /** More simulators by provider name (the tests' fixture providers), served like the five. */
  simulators?: Record<string, Hono>;
}

export function createSandbox(secrets: SandboxSecrets = SANDBOX_SECRETS, options: SandboxOptions = {}) {
  const state = new SandboxState();
  const simulators = {
    takepayments: takePaymentsSimulator(secrets.TAKEPAYMENTS_API_KEY),
    dialler: diallerSimulator(secrets.DIALLER_API_KEY),
    cap: capSimulator(secrets.CAP_API_KEY),
    getlead: getleadSimulator(secrets.GETLEAD_TOKEN),
    leadexec: leadExecSimulator(
      secrets.LEADEXEC_API_KEY,
      options.buyerPageUrl ? { buyerPageUrl: options.buyerPageUrl } : {},
    ),
    ...options.simulators,
  };
  const app = new Hono();
  app.use('/_sandbox/*', cors());
  app.get('/_sandbox/received', (c) => {
    const provider = c.req.query('provider');
    return c.json(provider ? state.receivedBy(provider) : state.received);
  });
  app.post('/_sandbox/faults/:provider', async (c) => {
    const plan = (await c.req.json()) as FaultPlan;
    state.addFault(c.req.param('provider'), plan);
    return c.json({ ok: true });
  });
  // The buyer's page a LeadExec send takes the consumer to in the demo: the end of that journey.
  app.get('/_sandbox/buyer', (c) =>
    c.html(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Buyer (sandbox)</title></head><body><main><h1>Sunrise Solar Co</h1><p>You reached the buyer’s page: in production, LeadExec’s buyer shows its quote here.</p></main></body></html>',
    ),
  );
  // A stand-in for the operator's Slack-compatible webhook: the relay's alerts land here.
  app.post('/_sandbox/alerts', async (c) => {
    state.alerts.push(await c.req.json());
    return c.text('ok');
  });
  app.get('/_sandbox/alerts', (c) => c.json(state.alerts));
  app.post('/_sandbox/chaos', async (c) => {
    state.setChaos((await c.req.json()) as Chaos);
    return c.json({ ok: true });
  });
  app.post('/_sandbox/reset', (c) => {
    state.reset();
    return c.json({ ok: true });
  });
  for (const [name, simulator] of Object.entries(simulators)) {
    app.use(`/${name}/*`, recordAndMisbehave(state, name));
    app.route(`/${name}`, simulator);
  }
  // The simulators go out too, so a test can change one's settings (e.g. LeadExec's order expiry).
  return { app, state, simulators };
}
