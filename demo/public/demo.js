// The demo page's event log: every lead-* event the widgets emit, newest first.
const log = document.getElementById('event-log');
for (const type of ['lead-ready', 'lead-step', 'lead-submit', 'lead-success', 'lead-error']) {
  document.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.textContent = `${new Date().toLocaleTimeString()} ${type} ${JSON.stringify(event.detail)}`;
    log.prepend(item);
  });
}
