import { describe, expect, it } from 'vitest';
import { admin, postLead, relay, validTakePaymentsLead } from '../helpers.ts';

describe('admin routes', () => {
  it('answer 401 unauthorized without a token', async () => {
    const response = await relay('/v1/admin/leads');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'Unauthorized' } });
  });

  it('answer 401 for a wrong token of the same length', async () => {
    const response = await relay('/v1/admin/leads', { headers: { authorization: 'Bearer sandbox-admin-tokeN' } });
    expect(response.status).toBe(401);
  });

  it('show one lead with its fields and deliveries', async () => {
    const { leadId } = (await (await postLead('demo-takepayments', validTakePaymentsLead)).json()) as {
      leadId: string;
    };
    const response = await admin(`/leads/${leadId}`);
    expect(response.status).toBe(200);
    const lead = (await response.json()) as Record<string, unknown>;
    expect(lead).toMatchObject({
      leadId,
      formId: 'demo-takepayments',
      fields: { firstName: 'Ada' },
      deliveries: [{ provider: 'takepayments', destination: 0 }],
    });
  });

  it('answer 404 lead_not_found for an unknown lead', async () => {
    const response = await admin('/leads/nope');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('lead_not_found');
  });

  it('list leads newest first, filtered by form, a page at a time', async () => {
    for (let i = 0; i < 3; i++) await postLead('demo-takepayments', validTakePaymentsLead);
    const first = (await (await admin('/leads?form=demo-takepayments&limit=2')).json()) as {
      leads: { leadId: string; createdAt: string }[];
      nextCursor: string | null;
    };
    expect(first.leads).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = (await (
      await admin(`/leads?form=demo-takepayments&limit=2&cursor=${encodeURIComponent(first.nextCursor ?? '')}`)
    ).json()) as { leads: { leadId: string }[] };
    const seen = new Set([...first.leads, ...second.leads].map((l) => l.leadId));
    expect(seen.size).toBe(first.leads.length + second.leads.length);
  });

  it('refuses an unknown status filter, naming the parameter', async () => {
    const response = await admin('/leads?status=sideways');
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { issues: { path: string }[] } }).error;
    expect(error.issues[0]?.path).toBe('query.status');
  });
});
