// What the admin page's modules share: the admin API with the token this tab holds, and safe
// element building (text only; nothing from the API is ever rendered as HTML).
export const $ = (id) => document.getElementById(id);
export const tokenInput = $('token');
tokenInput.value = sessionStorage.getItem('lead-capture-admin-token') ?? '';

export async function api(path, init = {}) {
  const response = await fetch(`/v1/admin${path}`, {
    ...init,
    headers: { authorization: `Bearer ${tokenInput.value}`, ...init.headers },
  });
  const body = await response.json();
  if (!response.ok) {
    const issues = (body.error?.issues ?? []).map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new Error(`${body.error?.code}: ${body.error?.message}${issues ? ` (${issues})` : ''}`);
  }
  return body;
}

export function send(path, method, body) {
  return api(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}
