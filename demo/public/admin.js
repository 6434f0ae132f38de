// The demo's admin page: lists leads through the admin API and replays failed deliveries.
// The token stays in this tab's sessionStorage; nothing is rendered as HTML from the API.
const $ = (id) => document.getElementById(id);
const tokenInput = $('token');
tokenInput.value = sessionStorage.getItem('lead-capture-admin-token') ?? '';
let cursor = null;

async function api(path, init = {}) {
  const response = await fetch(`/v1/admin${path}`, {
    ...init,
    headers: { authorization: `Bearer ${tokenInput.value}`, ...init.headers },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.error?.code}: ${body.error?.message}`);
  return body;
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
  section.replaceChildren();
  const title = document.createElement('h2');
  title.textContent = `Lead ${lead.leadId} (${lead.status})`;
  section.append(title);
  for (const delivery of lead.deliveries) {
    const heading = document.createElement('h3');
    heading.textContent = `${delivery.provider}: ${delivery.status}${delivery.lastError ? ` (${delivery.lastError})` : ''}`;
    const list = document.createElement('ol');
    for (const attempt of delivery.attemptLog) {
      const item = document.createElement('li');
      item.textContent = `${attempt.at} ${attempt.outcome} HTTP ${attempt.httpStatus ?? '—'} in ${attempt.durationMs} ms ${attempt.reason ?? ''}`;
      list.append(item);
    }
    section.append(heading, list);
  }
  if (lead.deliveries.some((d) => d.status === 'failed')) {
    const replay = document.createElement('button');
    replay.type = 'button';
    replay.textContent = 'Replay failed deliveries';
    replay.addEventListener('click', async () => {
      const result = await api(`/leads/${encodeURIComponent(leadId)}/replay`, { method: 'POST' });
      $('message').textContent = `Replayed: ${result.replayed.join(', ') || 'nothing'}`;
      setTimeout(() => showLead(leadId), 1500);
    });
    section.append(replay);
  }
  const raw = document.createElement('pre');
  raw.textContent = JSON.stringify({ fields: lead.fields, consent: lead.consent, context: lead.context }, null, 2);
  section.append(raw);
  section.hidden = false;
}

$('auth').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('lead-capture-admin-token', tokenInput.value);
  loadLeads(false).catch((error) => {
    $('message').textContent = error.message;
  });
});
$('more').addEventListener('click', () => loadLeads(true).catch((error) => ($('message').textContent = error.message)));
