// The admin page: lists leads through the admin API, shows each delivery, step and attempt, replays
// failed ones, changes a lead's answers, runs actions at a provider that has the lead, and dry-runs
// a form. The token stays in this tab's sessionStorage; nothing is rendered as HTML from the API.
import { $, api, element, send, tokenInput } from './admin-api.js';

let cursor = null;

/** A labelled input inside `parent`; its id is unique on the page. */
function labelled(parent, id, label, value = '') {
  const input = element('input', undefined, { id, name: id });
  input.value = value;
  parent.append(element('label', label, { for: id }), input);
  return input;
}

function attemptList(attempts) {
  const list = element('ol');
  for (const attempt of attempts) {
    list.append(
      element(
        'li',
        `${attempt.at} ${attempt.outcome} HTTP ${attempt.httpStatus ?? '—'} in ${attempt.durationMs} ms ${attempt.reason ?? ''}`,
      ),
    );
  }
  return list;
}

/** The parameters each action takes, by provider and kind (the admin API checks them). */
const ACTIONS = {
  getlead: {
    status: ['status'],
    note: ['note'],
    task: ['name', 'category', 'description', 'comment', 'scheduledDate', 'assignedTo'],
    deal: ['status', 'name', 'amount', 'staffName', 'startDate', 'endDate', 'note'],
    department: ['department'],
  },
};

const FINAL = ['delivered', 'rejected', 'failed'];

/** Waits (up to 30 s) until the step is done one way or the other, without redrawing the page. */
async function settled(leadId, stepId) {
  for (let i = 0; i < 30; i++) {
    const lead = await api(`/leads/${encodeURIComponent(leadId)}`);
    if (FINAL.includes(lead.steps.find((s) => s.id === stepId)?.status)) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function changeForm(lead) {
  const form = element('form', undefined, { id: 'change' });
  form.append(element('h3', 'Change answers'));
  const inputs = Object.entries(lead.fields).map(([name, value]) => [
    name,
    String(value),
    labelled(form, `change-${name}`, name, String(value)),
  ]);
  form.append(element('button', 'Save changes', { type: 'submit' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(
      inputs.filter(([, was, input]) => input.value !== was).map(([n, , i]) => [n, i.value]),
    );
    try {
      const result = await send(`/leads/${encodeURIComponent(lead.leadId)}`, 'PATCH', { fields });
      const sent = result.updates.map((u) => `${u.provider} ${u.status}`).join(', ');
      $('message').textContent = result.changeId
        ? `Answers changed${sent ? `; update: ${sent}` : ''}`
        : 'Nothing changed';
      await showLead(lead.leadId);
    } catch (error) {
      $('message').textContent = error.message;
    }
  });
  return form;
}

function actionForm(lead, provider) {
  const kinds = ACTIONS[provider];
  const form = element('form', undefined, { id: `action-${provider}` });
  form.append(element('h3', `Action at ${provider}`));
  const kind = element('select', undefined, { id: `action-${provider}-kind` });
  for (const name of Object.keys(kinds)) kind.append(element('option', name));
  form.append(element('label', 'Action', { for: kind.id }), kind);
  const parameters = element('div');
  form.append(parameters, element('button', 'Run action', { type: 'submit' }));
  const render = () => {
    parameters.replaceChildren();
    for (const name of kinds[kind.value]) labelled(parameters, `action-${provider}-${name}`, name);
  };
  kind.addEventListener('change', render);
  render();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { provider, kind: kind.value };
    for (const input of parameters.querySelectorAll('input')) {
      const name = input.id.slice(`action-${provider}-`.length);
      if (input.value !== '') body[name] = name === 'amount' ? Number(input.value) : input.value;
    }
    try {
      const result = await send(`/leads/${encodeURIComponent(lead.leadId)}/actions`, 'POST', body);
      $('message').textContent = `Action ${result.actionId} ${result.status}`;
      await settled(lead.leadId, result.actionId);
      await showLead(lead.leadId);
    } catch (error) {
      $('message').textContent = error.message;
    }
  });
  return form;
}

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.append(td);
  return td;
}

async function loadLeads(append) {
  const params = new URLSearchParams({ limit: '25' });
  if ($('status').value) params.set('status', $('status').value);
  if (append && cursor) params.set('cursor', cursor);
  const { leads, nextCursor } = await api(`/leads?${params}`);
  const body = $('leads').tBodies[0];
  if (!append) body.replaceChildren();
  for (const lead of leads) {
    const row = body.insertRow();
    cell(row, new Date(lead.createdAt).toLocaleString());
    cell(row, lead.formId);
    cell(row, lead.status);
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = lead.leadId;
    button.addEventListener('click', () => showLead(lead.leadId));
    cell(row, '').append(button);
  }
  cursor = nextCursor;
  $('leads').hidden = false;
  $('more').hidden = !nextCursor;
  $('message').textContent = `${body.rows.length} lead(s) shown`;
}

async function showLead(leadId) {
  const lead = await api(`/leads/${encodeURIComponent(leadId)}`);
  const section = $('detail');
  section.replaceChildren(element('h2', `Lead ${lead.leadId} (${lead.status})`));
  if (lead.spill) {
    const { spilledAt, reason, importedAt } = lead.spill;
    section.append(
      element('p', `Came through the spill: D1 refused it at ${spilledAt} (${reason}); imported at ${importedAt}`),
    );
  }
  for (const delivery of lead.deliveries) {
    const error = delivery.lastError ? ` (${delivery.lastError})` : '';
    section.append(element('h3', `${delivery.provider}: ${delivery.status}${error}`), attemptList(delivery.attemptLog));
  }
  if (lead.steps.length > 0) {
    section.append(element('h3', 'Steps'));
    for (const step of lead.steps) {
      const error = step.lastError ? ` (${step.lastError})` : '';
      section.append(
        element('h4', `${step.provider} ${step.kind} ${JSON.stringify(step.parameters)}: ${step.status}${error}`),
        attemptList(step.attemptLog),
      );
    }
  }
  if ([...lead.deliveries, ...lead.steps].some((d) => d.status === 'failed')) {
    const replay = element('button', 'Replay failed deliveries', { type: 'button' });
    replay.addEventListener('click', async () => {
      const result = await api(`/leads/${encodeURIComponent(leadId)}/replay`, { method: 'POST' });
      $('message').textContent = `Replayed: ${result.replayed.join(', ') || 'nothing'}`;
      setTimeout(() => showLead(leadId), 1500);
    });
    section.append(replay);
  }
  section.append(changeForm(lead));
  for (const delivery of lead.deliveries) {
    if (delivery.status === 'delivered' && ACTIONS[delivery.provider])
      section.append(actionForm(lead, delivery.provider));
  }
  if (lead.changes.length > 0) {
    section.append(element('h3', 'Changes'));
    const list = element('ul');
    for (const change of lead.changes) {
      const what = Object.entries(change.changes).map(([name, c]) => `${name}: ${c.from ?? '—'} → ${c.to ?? '—'}`);
      list.append(element('li', `${change.changedAt} ${what.join('; ')}`));
    }
    section.append(list);
  }
  section.append(
    element('pre', JSON.stringify({ fields: lead.fields, consent: lead.consent, context: lead.context }, null, 2)),
  );
  section.hidden = false;
}

$('test').addEventListener('submit', async (event) => {
  event.preventDefault();
  const output = $('test-result');
  output.replaceChildren();
  try {
    const fields = JSON.parse($('test-fields').value || '{}');
    const result = await send(`/forms/${encodeURIComponent($('test-form').value)}/test`, 'POST', { fields });
    for (const d of result.destinations)
      output.append(element('li', `${d.provider}: ${d.ok ? 'ok' : 'not ok'}, ${d.message}`));
  } catch (error) {
    output.append(element('li', error.message));
  }
});

$('auth').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('lead-capture-admin-token', tokenInput.value);
  loadLeads(false).catch((error) => {
    $('message').textContent = error.message;
  });
});
$('more').addEventListener('click', () => loadLeads(true).catch((error) => ($('message').textContent = error.message)));
