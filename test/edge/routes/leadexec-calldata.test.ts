import { describe, expect, it, vi } from 'vitest';
import { admin, postLead, withForm } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

/** A call centre's form: the agent records the call, and LeadExec takes it as a call lead. */
const callForm = {
  id: 'calldata-test',
  title: 'Record a call',
  allowedOrigins: ['http://localhost:*'],
  fields: [
    { name: 'firstName', type: 'text', label: 'First name', required: true },
    { name: 'lastName', type: 'text', label: 'Last name', required: true },
    { name: 'email', type: 'email', label: 'Email', required: true },
    { name: 'phone', type: 'tel', label: 'Phone', required: true, country: 'US' },
    { name: 'zip', type: 'postcode', label: 'ZIP code', required: true },
    { name: 'callDuration', type: 'text', label: 'Call duration (seconds)', required: true },
    { name: 'callResult', type: 'text', label: 'Call result', required: true },
  ],
  destinations: [{ provider: 'leadexec', options: { vid: 1001, lid: 2006, mode: 'calldata', ivrNumber: 8005550199 } }],
};

async function settled(leadId: string) {
  let lead: { status: string; deliveries: { status: string; lastError: string | null }[] } | undefined;
  await vi.waitFor(
    async () => {
      lead = await (await admin(`/leads/${leadId}`)).json();
      expect(lead?.deliveries[0]?.status).toMatch(/^(delivered|rejected)$/);
    },
    { timeout: 10_000, interval: 100 },
  );
  return lead;
}

function call(callDuration: string) {
  const n = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  return {
    fields: {
      firstName: 'Ravi',
      lastName: 'Shah',
      email: `ravi.${n}@example.com`,
      phone: `(718) ${200 + (n % 700)}-${String(n % 10_000).padStart(4, '0')}`,
      zip: '11201',
      callDuration,
      callResult: 'Qualified',
    },
  };
}

describe('a LeadExec destination with mode "calldata"', () => {
  it('delivers the call through the queue to /v2/insert/calldata with its duration as a number', async () => {
    await withForm(callForm, async () => {
      const body = call('95');
      const { leadId } = (await (await postLead('calldata-test', body)).json()) as { leadId: string };
      expect((await settled(leadId))?.status).toBe('delivered');
      const sent = sandbox.state
        .receivedBy('leadexec')
        .filter((r) => r.path.endsWith('/v2/insert/calldata'))
        .map((r) => JSON.parse(r.body))
        .find((b) => b.leads[0].properties.reference === leadId);
      expect(sent.leads[0].properties).toMatchObject({
        ivrNumber: 8005550199,
        callDuration: 95,
        callResult: 'Qualified',
      });
    });
  });

  it('rejects a lead whose duration is not a number, saying why, without calling LeadExec', async () => {
    await withForm(callForm, async () => {
      const { leadId } = (await (await postLead('calldata-test', call('two minutes'))).json()) as { leadId: string };
      const lead = await settled(leadId);
      expect(lead?.deliveries[0]).toMatchObject({
        status: 'rejected',
        lastError: expect.stringMatching(/callDuration/),
      });
      expect(sandbox.state.receivedBy('leadexec').some((r) => r.body.includes(leadId))).toBe(false);
    });
  });
});
