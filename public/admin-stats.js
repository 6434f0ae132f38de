// The admin page's numbers: a funnel per form, leads per day (or hour), and each provider's
// outcomes and latency, from GET /v1/admin/stats, drawn as plain SVG (no chart library: a few
// hundred bytes of code do what the page needs, and it stays inside the page's strict CSP).
import { $, api, element } from './admin-api.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Horizontal bars, one per [label, value], each labelled with its number; `title` names the chart. */
function barChart(title, rows) {
  const width = 640;
  const row = 28;
  const labelWidth = 170;
  const max = Math.max(1, ...rows.map(([, value]) => value));
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${rows.length * row + 4}`,
    role: 'img',
    'aria-label': `${title}: ${rows.map(([label, value]) => `${label} ${value}`).join(', ')}`,
    class: 'chart',
  });
  rows.forEach(([label, value], i) => {
    const y = i * row + 2;
    const length = Math.round(((width - labelWidth - 60) * value) / max);
    chart.append(
      svg('text', { x: 0, y: y + 18, class: 'chart-label' }, label),
      svg('rect', { x: labelWidth, y: y + 4, width: Math.max(length, 1), height: row - 10, class: 'chart-bar' }),
      svg('text', { x: labelWidth + length + 6, y: y + 18, class: 'chart-value', 'data-value': value }, String(value)),
    );
  });
  return chart;
}

function table(headers, rows) {
  const node = element('table');
  const head = element('tr');
  for (const header of headers) head.append(element('th', header, { scope: 'col' }));
  node.append(element('thead'), element('tbody'));
  node.tHead.append(head);
  for (const cells of rows) {
    const tr = element('tr');
    for (const cell of cells) tr.append(element('td', cell === null || cell === undefined ? '—' : String(cell)));
    node.tBodies[0].append(tr);
  }
  return node;
}

function query() {
  const params = new URLSearchParams({ by: $('stats-by').value });
  for (const [name, id] of [
    ['form', 'stats-form'],
    ['origin', 'stats-origin'],
  ]) {
    if ($(id).value) params.set(name, $(id).value);
  }
  if ($('stats-from').value) params.set('from', $('stats-from').value);
  if ($('stats-to').value) params.set('to', `${$('stats-to').value}T23:59:59Z`);
  return params;
}

async function showStats() {
  const output = $('stats');
  const stats = await api(`/stats?${query()}`);
  const f = stats.funnel;
  const funnel = [
    ['Viewed', f.views],
    ['Started', f.starts],
    ...f.steps.map((s) => [`Reached step ${s.step + 1}`, s.reached]),
    ['Submitted', f.submits],
    ['Succeeded', f.successes],
  ];
  if (f.offersShown || f.offersChosen) funnel.push(['Offers shown', f.offersShown], ['Offers chosen', f.offersChosen]);
  output.replaceChildren(
    element('h3', `Funnel${stats.form ? ` of ${stats.form}` : ', every form'}`),
    barChart('Funnel', funnel),
    element('p', f.errors.length ? `Errors: ${f.errors.map((e) => `${e.code} ${e.count}`).join(', ')}` : 'No errors.'),
    element('h3', `Leads by ${stats.by}`),
    barChart(
      `Leads by ${stats.by}`,
      stats.series.map((s) => [s.at, s.leads]),
    ),
    element(
      'p',
      `${stats.leads.total} leads: ${Object.entries(stats.leads.byStatus)
        .map(([status, n]) => `${status} ${n}`)
        .join(', ')}`,
      { id: 'stats-leads' },
    ),
    element('h3', 'Providers'),
    table(
      ['Provider', 'Delivered', 'Rejected', 'Failed', 'Pending', 'Dead letters', 'Latency p50 (ms)', 'p95 (ms)'],
      stats.providers.map((p) => [
        p.provider,
        p.delivered,
        p.rejected,
        p.failed,
        p.pending,
        p.deadLetters,
        p.latencyMs.p50,
        p.latencyMs.p95,
      ]),
    ),
    element('h3', 'By partner origin'),
    table(
      ['Origin', 'Views', 'Starts', 'Submits', 'Successes', 'Leads'],
      stats.byOrigin.map((o) => [o.origin || '(none)', o.views, o.starts, o.submits, o.successes, o.leads]),
    ),
    element('h3', 'By utm_source'),
    table(
      ['utm_source', 'Views', 'Starts', 'Submits', 'Successes', 'Leads'],
      stats.byUtmSource.map((o) => [o.utmSource || '(none)', o.views, o.starts, o.submits, o.successes, o.leads]),
    ),
  );
  output.hidden = false;
}

$('stats-filters').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('lead-capture-admin-token', $('token').value);
  showStats().catch((error) => {
    $('message').textContent = error.message;
  });
});
