import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { dbOf } from '../../../edge/storage/shards.ts';
import { admin, adminLead, leadWhen, postLead, solarAnswers, validTakePaymentsLead } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface AdminLead {
  status: string;
  fields: Record<string, string>;
  deliveries: { provider: string; status: string; reference: string | null }[];
  steps: { kind: string; status: string; parameters: unknown; attemptLog: { outcome: string }[] }[];
  changes: { changedAt: string; changes: Record<string, { from: unknown; to: unknown }> }[];
}

const leadView = (leadId: string) => adminLead<AdminLead>(leadId);
const until = (leadId: string, check: (lead: AdminLead) => void, timeout?: number) =>
  leadWhen<AdminLead>(leadId, check, timeout);

interface Updated {
  leadId: string;
  changeId: string | null;
  updates: { provider: string; stepId: string; status: string }[];
}

const solarLead = () => ({ fields: solarAnswers(), consent: {} });

async function deliveredAt(formId: string, body: unknown): Promise<AdminLead & { leadId: string }> {
  const { leadId } = (await (await postLead(formId, body)).json()) as { leadId: string };
  const lead = await until(leadId, (l) => expect(l.deliveries.every((d) => d.status === 'delivered')).toBe(true));
  return { ...lead, leadId };
}

function change(leadId: string, fields: unknown): Promise<Response> {
  return admin(`/leads/${leadId}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fields }),
  });
}

describe('PATCH /v1/admin/leads/:leadId', () => {
  it('stores the changed answers with what changed, and sends them to LeadExec as an update', async () => {
    const lead = await deliveredAt('demo-leadexec', solarLead());
    const leadUID = Number(lead.deliveries[0]?.reference);
    const response = await change(lead.leadId, { city: 'Oakland', address: '1 Broadway' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Updated;
    expect(body.updates).toEqual([{ provider: 'leadexec', stepId: expect.any(String), status: 'delivered' }]);

    const update = sandbox.state
      .receivedBy('leadexec')
      .filter((r) => r.method === 'PUT' && r.path.endsWith('/v2/update'))
      .map((r) => JSON.parse(r.body))
      .find((b) => b.leads[0].properties.leadUID === leadUID);
    expect(update.source).toEqual({ vid: 1001, lid: 2002 });
    expect(update.leads[0].fields).toEqual({ City: 'Oakland', Address: '1 Broadway' });

    const after = await leadView(lead.leadId);
    expect(after.fields.city).toBe('Oakland');
    expect(after.changes).toEqual([
      {
        changeId: body.changeId,
        changedAt: expect.any(String),
        changes: {
          city: { from: 'San Francisco', to: 'Oakland' },
          address: { from: '500 Market St', to: '1 Broadway' },
        },
      },
    ]);
    expect(after.steps).toEqual([
      expect.objectContaining({
        kind: 'update',
        status: 'delivered',
        parameters: { fields: { city: 'Oakland', address: '1 Broadway' } },
      }),
    ]);
  });

  it('checks the lead as it will be stored, naming the field and the rule, and changes nothing', async () => {
    const lead = await deliveredAt('demo-leadexec', solarLead());
    const response = await change(lead.leadId, { email: 'not-an-email', firstName: '' });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { issues: { path: string; rule: string }[] } };
    expect(error.issues.map((i) => [i.path, i.rule]).sort()).toEqual([
      ['fields.email', 'email'],
      ['fields.firstName', 'required'],
    ]);
    expect((await leadView(lead.leadId)).changes).toEqual([]);
  });

  it('stores the new answers normalised, as a lead’s are', async () => {
    const lead = await deliveredAt('demo-leadexec', solarLead());
    await change(lead.leadId, { phone: '(415) 555-0199' });
    expect((await leadView(lead.leadId)).fields.phone).toBe('+14155550199');
  });

  it('sends nothing and records nothing when no answer changes', async () => {
    const lead = await deliveredAt('demo-leadexec', solarLead());
    const body = (await (await change(lead.leadId, { city: 'San Francisco' })).json()) as Updated;
    expect(body).toEqual({ leadId: lead.leadId, changeId: null, updates: [] });
  });

  it('keeps a change for a provider without updates, where the next attempt uses it', async () => {
    const lead = await deliveredAt('demo-takepayments', validTakePaymentsLead);
    const body = (await (await change(lead.leadId, { company: 'Engines Ltd' })).json()) as Updated;
    expect(body.updates).toEqual([]);
    const row = await dbOf(env, lead.leadId)
      .prepare('SELECT fields FROM leads WHERE id = ?')
      .bind(lead.leadId)
      .first<{ fields: string }>();
    expect(JSON.parse(row?.fields ?? '{}').company).toBe('Engines Ltd');
  });

  it('retries an update LeadExec could not take, then delivers it', async () => {
    const lead = await deliveredAt('demo-leadexec', solarLead());
    sandbox.state.addFault('leadexec', { fault: { kind: 'status', status: 503 }, times: 1 });
    const body = (await (await change(lead.leadId, { city: 'Berkeley' })).json()) as Updated;
    expect(body.updates[0]?.status).toBe('retrying');
    const after = await until(lead.leadId, (l) => expect(l.steps[0]?.status).toBe('delivered'));
    expect(after.steps[0]?.attemptLog.map((a) => a.outcome)).toEqual(['retryable', 'delivered']);
  });
});
