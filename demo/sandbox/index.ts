/**
 * @module The sandbox: every provider simulator under its own path prefix (the relay's base URLs
 * point there), plus `/_sandbox/*` to read what each received and to plan faults. Web-standard
 * only, so it runs in Node for `npm start` and inside workerd for the relay tests.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { capSimulator } from './cap.ts';
import { diallerSimulator } from './dialler.ts';
import { getleadSimulator } from './getlead.ts';
import { SANDBOX_SECRETS, type SandboxSecrets } from './keys.ts';
import { leadExecSimulator } from './leadexec.ts';
import { type FaultPlan, recordAndMisbehave, SandboxState } from './recorder.ts';
import { takePaymentsSimulator } from './takepayments.ts';

export const SANDBOX_PROVIDERS = ['takepayments', 'dialler', 'cap', 'getlead', 'leadexec'] as const;

export function createSandbox(secrets: SandboxSecrets = SANDBOX_SECRETS) {
  const state = new SandboxState();
  const simulators = {
    takepayments: takePaymentsSimulator(secrets.TAKEPAYMENTS_API_KEY),
    dialler: diallerSimulator(secrets.DIALLER_API_KEY),
    cap: capSimulator(secrets.CAP_API_KEY),
    getlead: getleadSimulator(secrets.GETLEAD_TOKEN),
    leadexec: leadExecSimulator(secrets.LEADEXEC_API_KEY),
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
