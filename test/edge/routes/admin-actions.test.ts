import { describe, expect, it } from 'vitest';
import { admin, getleadPerson, leadWhen, postLead } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

interface Step {
  id: string;
  kind: string;
  status: string;
  parameters: unknown;
  attemptLog: { outcome: string; httpStatus: number | null }[];
}

interface AdminLead {
  status: string;
  deliveries: { provider: string; status: string }[];
  steps: Step[];
}

const until = (leadId: string, check: (lead: AdminLead) => void, timeout?: number) =>
  leadWhen<AdminLead>(leadId, check, timeout);

/** A lead Getlead has: submitted on demo-getlead and delivered through the queue. */
async function deliveredGetleadLead(): Promise<{ leadId: string; mobile: string }> {
  const body = getleadPerson();
  const response = await postLead('demo-getlead', body);
  const { leadId } = (await response.json()) as { leadId: string };
  // The lead and the follow-ups its form configures (a note, a call task) settle before a test acts.
  await until(leadId, (lead) => {
    expect(lead.deliveries[0]?.status).toBe('delivered');
    expect(lead.steps.map((s) => s.status)).toEqual(['delivered', 'delivered']);
  });
  return { leadId, mobile: body.fields.phone.replace(/\D/g, '').slice(1) };
}

async function actionId(response: Response): Promise<string> {
  expect(response.status).toBe(202);
  return ((await response.json()) as { actionId: string }).actionId;
}

function stepOf(lead: AdminLead, id: string): Step | undefined {
  return lead.steps.find((s) => s.id === id);
}

function action(leadId: string, body: unknown): Promise<Response> {
  return admin(`/leads/${leadId}/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The query parameters of the last request to one Getlead endpoint that names this mobile. */
function sentTo(endpoint: string, mobile: string): Record<string, string> | undefined {
  return sandbox.state
    .receivedBy('getlead')
    .filter((r) => r.path.includes(endpoint))
    .map((r) => r.query)
    .findLast((q) => [q.mobile_no, q.mobile, q.SourceNumber].includes(mobile));
}

describe('POST /v1/admin/leads/:leadId/actions', () => {
  it('changes a lead’s status at Getlead as a step, shown under the lead', async () => {
    const { leadId, mobile } = await deliveredGetleadLead();
    const response = await action(leadId, { provider: 'getlead', kind: 'status', status: 'Qualified' });
    expect(response.status).toBe(202);
    const { actionId: id, status } = (await response.json()) as { actionId: string; status: string };
    expect(status).toBe('pending');
    const lead = await until(leadId, (l) => expect(stepOf(l, id)?.status).toBe('delivered'));
    expect(stepOf(lead, id)).toMatchObject({
      kind: 'status',
      parameters: { status: 'Qualified' },
      attemptLog: [{ outcome: 'delivered', httpStatus: 200 }],
    });
    expect(lead.status).toBe('delivered');
    expect(sentTo('gl-status-change-api', mobile)).toMatchObject({ status: 'Qualified', countrycode: '44' });
  });

  it('sends a task and a deal with every parameter the document lists', async () => {
    const { leadId, mobile } = await deliveredGetleadLead();
    const task = await actionId(
      await action(leadId, {
        provider: 'getlead',
        kind: 'task',
        name: 'Call back',
        category: 'call',
        description: 'Wants six handsets',
        comment: 'Prefers mornings',
        scheduledDate: '2026-12-03',
        assignedTo: 'Ajay',
      }),
    );
    const deal = await actionId(
      await action(leadId, {
        provider: 'getlead',
        kind: 'deal',
        status: 'Open',
        name: 'Six handsets',
        amount: 1800,
        staffName: 'Ajay',
        startDate: '2026-12-01',
        endDate: '2027-01-31',
        note: 'Quote sent',
      }),
    );
    await until(leadId, (l) =>
      expect([stepOf(l, task)?.status, stepOf(l, deal)?.status]).toEqual(['delivered', 'delivered']),
    );
    expect(sentTo('gl-task-creation-api', mobile)).toMatchObject({
      name: 'Call back',
      task_category_id: '2',
      description: 'Wants six handsets',
      comment: 'Prefers mornings',
      scheduled_date: '2026-12-03',
      assigned_to: 'Ajay',
      countrycode: '44',
    });
    expect(sentTo('gl-deal-creation-api', mobile)).toMatchObject({
      status: 'Open',
      deal_name: 'Six handsets',
      deal_amount: '1800',
      staff_name: 'Ajay',
      start_date: '2026-12-01',
      end_date: '2027-01-31',
      deal_note: 'Quote sent',
    });
  });

  it('adds a note and assigns a department, the token kept out of what the lead shows', async () => {
    const { leadId, mobile } = await deliveredGetleadLead();
    const note = await actionId(await action(leadId, { provider: 'getlead', kind: 'note', note: 'Spoke to Priya' }));
    const department = await actionId(
      await action(leadId, { provider: 'getlead', kind: 'department', department: 'Sales' }),
    );
    const lead = await until(leadId, (l) =>
      expect([stepOf(l, note)?.status, stepOf(l, department)?.status]).toEqual(['delivered', 'delivered']),
    );
    expect(sentTo('gl-note-creation-api', mobile)?.note).toBe('Spoke to Priya');
    expect(sentTo('gl-department-vise-agent-assign', mobile)?.department).toBe('Sales');
    expect(JSON.stringify(lead)).not.toContain('sandbox-getlead-token');
  });

  it('retries a failed action with backoff until Getlead takes it', async () => {
    const { leadId } = await deliveredGetleadLead();
    sandbox.state.addFault('getlead', { fault: { kind: 'status', status: 503 }, times: 1 });
    const response = await action(leadId, { provider: 'getlead', kind: 'note', note: 'Second try' });
    const id = await actionId(response);
    const lead = await until(leadId, (l) => expect(stepOf(l, id)?.status).toBe('delivered'));
    expect(stepOf(lead, id)?.attemptLog.map((a) => a.outcome)).toEqual(['retryable', 'delivered']);
  });

  it('dead-letters an action that keeps failing, shows the lead partly delivered, and replays it', async () => {
    const { leadId } = await deliveredGetleadLead();
    sandbox.state.addFault('getlead', { fault: { kind: 'status', status: 500 }, times: 3 });
    const id = await actionId(await action(leadId, { provider: 'getlead', kind: 'status', status: 'Lost' }));
    const failed = await until(
      leadId,
      (l) => {
        expect(stepOf(l, id)?.status).toBe('failed');
        expect(l.status).toBe('partially_delivered');
      },
      20_000,
    );
    expect(stepOf(failed, id)?.attemptLog).toHaveLength(3);
    const replay = await admin(`/leads/${leadId}/replay`, { method: 'POST' });
    expect(await replay.json()).toMatchObject({ replayed: ['getlead'] });
    const replayed = await until(leadId, (l) => expect(stepOf(l, id)?.status).toBe('delivered'));
    expect(replayed.status).toBe('delivered');
    expect(replayed.deliveries[0]?.status).toBe('delivered');
  });

  it('refuses an action Getlead does not have, naming the kind', async () => {
    const { leadId } = await deliveredGetleadLead();
    const response = await action(leadId, { provider: 'getlead', kind: 'delete' });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { issues: { path: string; rule: string }[] } };
    expect(error.issues).toEqual([expect.objectContaining({ path: 'kind', rule: 'option' })]);
  });

  it('refuses parameters the action does not take, naming each', async () => {
    const { leadId } = await deliveredGetleadLead();
    const response = await action(leadId, { provider: 'getlead', kind: 'task', scheduledDate: 'next week' });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { issues: { path: string }[] } };
    expect(error.issues.map((i) => i.path).sort()).toEqual(['name', 'scheduledDate']);
  });

  it('answers 409 not_delivered for a provider that does not have the lead', async () => {
    const { leadId } = await deliveredGetleadLead();
    const response = await action(leadId, { provider: 'leadexec', kind: 'update', fields: { firstName: 'P' } });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_delivered');
  });

  it('answers 404 lead_not_found for an unknown lead', async () => {
    const response = await action(crypto.randomUUID(), { provider: 'getlead', kind: 'note', note: 'x' });
    expect(response.status).toBe(404);
  });
});
