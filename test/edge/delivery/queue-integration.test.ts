import { describe, expect, it, vi } from 'vitest';
import { admin, postLead, validTakePaymentsLead } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

describe('a lead through the real queue', () => {
  it('reaches the TakePayments sandbox and shows delivered with its attempt', async () => {
    const response = await postLead('demo-takepayments', validTakePaymentsLead);
    const { leadId } = (await response.json()) as { leadId: string };
    await vi.waitFor(
      () => {
        const received = sandbox.state.receivedBy('takepayments').map((r) => JSON.parse(r.body).ID);
        expect(received).toContain(leadId);
      },
      { timeout: 10_000, interval: 100 },
    );
    await vi.waitFor(
      async () => {
        const lead = (await (await admin(`/leads/${leadId}`)).json()) as {
          status: string;
          deliveries: { attemptLog: { httpStatus: number }[] }[];
        };
        expect(lead.status).toBe('delivered');
        expect(lead.deliveries[0]?.attemptLog[0]?.httpStatus).toBe(200);
      },
      { timeout: 5_000, interval: 100 },
    );
  });
});
