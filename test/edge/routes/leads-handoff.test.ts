import { describe, expect, it, vi } from 'vitest';
import { admin, postLead } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface Answer {
  leadId: string;
  status: string;
  deliveries: { provider: string; status: string }[];
  redirectUrl?: string;
  transfer?: { agentName: string; agentPhone: string };
}

interface AdminLead {
  status: string;
  deliveries: { status: string; attemptLog: { outcome: string; reason: string | null }[] }[];
}

function person() {
  const n = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  return {
    fields: {
      firstName: 'Dana',
      lastName: 'Reyes',
      email: `dana.${n}@example.com`,
      phone: `(312) ${200 + (n % 700)}-${String(n % 10_000).padStart(4, '0')}`,
      zip: '60601',
    },
    consent: { tcpa: true },
  };
}

async function leadView(leadId: string): Promise<AdminLead> {
  return (await (await admin(`/leads/${leadId}`)).json()) as AdminLead;
}

describe('POST /v1/forms/:formId/leads to LeadExec with sends or transfer', () => {
  it('answers 200 with the buyer’s page when LeadExec sends the lead on at once', async () => {
    const response = await postLead('demo-leadexec-sends', person());
    expect(response.status).toBe(200);
    const answer = (await response.json()) as Answer;
    expect(answer.status).toBe('delivered');
    expect(answer.deliveries).toEqual([{ provider: 'leadexec', status: 'delivered' }]);
    expect(new URL(answer.redirectUrl ?? '').protocol).toBe('https:');
    expect(answer.transfer).toBeUndefined();
    expect((await leadView(answer.leadId)).deliveries[0]?.attemptLog).toHaveLength(1);
  });

  it('answers 200 with the agent to call when LeadExec transfers the call', async () => {
    const response = await postLead('demo-leadexec-transfer', person());
    expect(response.status).toBe(200);
    const answer = (await response.json()) as Answer;
    expect(answer.transfer?.agentName).toEqual(expect.any(String));
    expect(answer.transfer?.agentPhone).toMatch(/\d{3}/);
    expect(answer.redirectUrl).toBeUndefined();
    const received = sandbox.state.receivedBy('leadexec').at(-1);
    expect(received?.path).toMatch(/\/v2\/insert\/transfer$/);
  });

  it('answers the ordinary 202 when LeadExec fails, and the queue delivers the lead later', async () => {
    sandbox.state.addFault('leadexec', { fault: { kind: 'status', status: 503 }, times: 1 });
    const response = await postLead('demo-leadexec-sends', person());
    expect(response.status).toBe(202);
    const answer = (await response.json()) as Answer;
    expect(answer.redirectUrl).toBeUndefined();
    let lead: AdminLead | undefined;
    await vi.waitFor(
      async () => {
        lead = await leadView(answer.leadId);
        expect(lead.status).toBe('delivered');
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(lead?.deliveries[0]?.attemptLog.map((a) => a.outcome)).toEqual(['retryable', 'delivered']);
  });

  it('does not keep the consumer waiting past the bound for a slow LeadExec', async () => {
    sandbox.state.addFault('leadexec', { fault: { kind: 'slow', ms: 6000 }, times: 1 });
    const started = Date.now();
    const response = await postLead('demo-leadexec-transfer', person());
    const waited = Date.now() - started;
    expect(response.status).toBe(202);
    expect(waited).toBeLessThan(5000);
    const { leadId } = (await response.json()) as Answer;
    const lead = await leadView(leadId);
    expect(lead.deliveries[0]?.attemptLog[0]?.reason).toMatch(/timed out after 3000 ms/);
  });

  it('never hands the consumer a buyer’s page that is not http(s)', async () => {
    const simulator = sandbox.simulators.leadexec;
    const buyerPage = simulator.settings.buyerPageUrl;
    simulator.settings.buyerPageUrl = 'javascript:alert(document.cookie)';
    try {
      const response = await postLead('demo-leadexec-sends', person());
      const answer = (await response.json()) as Answer;
      expect(answer.redirectUrl).toBeUndefined();
      expect(JSON.stringify(answer)).not.toContain('javascript:');
    } finally {
      simulator.settings.buyerPageUrl = buyerPage;
    }
  });

  it('queues a plain LeadExec form as before, with no attempt inside the request', async () => {
    const n = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
    const response = await postLead('demo-leadexec', {
      fields: {
        zip: '94105',
        ownsHome: 'Yes',
        electricBill: '201-300',
        firstName: 'Maria',
        lastName: 'Lopez',
        email: `maria.plain.${n}@example.com`,
        phone: `(415) ${200 + (n % 700)}-${String(n % 10_000).padStart(4, '0')}`,
        address: '500 Market St',
        city: 'San Francisco',
        state: 'CA',
      },
    });
    expect(response.status).toBe(202);
    expect(((await response.json()) as Answer).deliveries).toEqual([{ provider: 'leadexec', status: 'pending' }]);
  });
});
