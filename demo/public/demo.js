// The demo page: switches the playground's form, theme and locale, logs every lead-* event the
// widgets emit, and shows what the provider sandbox received (nothing here is rendered as HTML).
const $ = (id) => document.getElementById(id);
const playground = $('playground');

$('form-choice').value = playground.getAttribute('form');
$('form-choice').addEventListener('change', (e) => playground.setAttribute('form', e.target.value));
$('theme-choice').addEventListener('change', (e) => playground.setAttribute('theme', e.target.value));
$('locale-choice').addEventListener('change', (e) => playground.setAttribute('locale', e.target.value));

const log = $('event-log');
for (const type of [
  'lead-ready',
  'lead-step',
  'lead-submit',
  'lead-success',
  'lead-error',
  'lead-offers',
  'lead-offer-accept',
]) {
  document.addEventListener(type, (event) => {
    const item = document.createElement('li');
    const form = event.target.getAttribute?.('form') ?? '';
    item.textContent = `${new Date().toLocaleTimeString()} ${form} ${type} ${JSON.stringify(event.detail)}`;
    log.prepend(item);
  });
}

const sandboxPort = new URLSearchParams(location.search).get('sandbox') ?? '8790';
$('sandbox-port').textContent = sandboxPort;
async function refreshSandbox() {
  const list = $('sandbox-log');
  try {
    const response = await fetch(`${location.protocol}//${location.hostname}:${sandboxPort}/_sandbox/received`);
    const received = await response.json();
    list.replaceChildren(
      ...received.reverse().map((r) => {
        const item = document.createElement('li');
        const pre = document.createElement('pre');
        pre.textContent = `${r.at} ${r.provider} ${r.method} ${r.path}\n${r.body}`;
        item.append(pre);
        return item;
      }),
    );
  } catch {
    list.textContent = 'The sandbox is not reachable.';
  }
}
$('refresh-sandbox').addEventListener('click', refreshSandbox);
document.addEventListener('lead-success', () => setTimeout(refreshSandbox, 1500));
refreshSandbox();
