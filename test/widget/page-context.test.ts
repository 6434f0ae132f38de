import { expect, fixture, waitUntil } from '@open-wc/testing';
import '../../widget/define.ts';
import type { LeadCapture } from '../../widget/lead-capture.ts';
import { quoteForm, stubRelay } from './relay-stub.ts';

const CERT_URL = 'https://cert.trustedform.com/454a35b802f3e7b63ffabb4efedb7c6ebe67886c';
const LEADID = '6F2B1C3A-9D4E-4B7A-8C1D-2E3F4A5B6C7D';

let stub: ReturnType<typeof stubRelay> | undefined;
const added: Element[] = [];
afterEach(() => {
  stub?.restore();
  stub = undefined;
  for (const element of added.splice(0)) element.remove();
  sessionStorage.clear();
});

/** A hidden input as the vendors' scripts write them into the partner's page, outside the widget. */
function pageInput(attributes: Record<string, string>): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'hidden';
  for (const [name, value] of Object.entries(attributes)) input.setAttribute(name, value);
  const form = document.createElement('form');
  form.append(input);
  document.body.append(form);
  added.push(form);
  return input;
}

const oneStep = { ...quoteForm, steps: [{ title: 'You', fields: ['firstName', 'email'] }] };

async function mountAndFill(): Promise<LeadCapture> {
  stub = stubRelay(oneStep);
  const wrapper = await fixture<HTMLDivElement>(
    '<div><lead-capture form="quote" relay="http://relay.test"></lead-capture></div>',
  );
  const element = wrapper.querySelector('lead-capture') as LeadCapture;
  await waitUntil(() => element.shadowRoot?.querySelector('form'), 'the form renders');
  for (const [name, value] of [
    ['firstName', 'Ada'],
    ['email', 'ada@example.com'],
  ] as const) {
    const input = element.shadowRoot?.querySelector<HTMLInputElement>(`#lc-${name}`) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }
  element.shadowRoot?.querySelector<HTMLInputElement>('#lc-consent-contact')?.click();
  await element.updateComplete;
  return element;
}

async function submittedContext(element: LeadCapture): Promise<Record<string, unknown>> {
  element.shadowRoot?.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
  await waitUntil(() => stub?.calls.some((c) => c.method === 'POST'), 'the lead is sent');
  const body = stub?.calls.find((c) => c.method === 'POST')?.body as { context?: Record<string, unknown> } | undefined;
  return body?.context ?? {};
}

describe('<lead-capture> consent tokens on the partner’s page', () => {
  it('sends the TrustedForm certificate URL and the Jornaya LeadiD the page holds at submit', async () => {
    // The scripts load after the widget and fill their inputs late, as the real ones do.
    const element = await mountAndFill();
    pageInput({ name: 'xxTrustedFormCertUrl', id: 'xxTrustedFormCertUrl_0', value: CERT_URL });
    const jornaya = pageInput({ id: 'leadid_token', name: 'universal_leadid', value: '' });
    jornaya.value = LEADID;
    const context = await submittedContext(element);
    expect(context).to.include({ xxTrustedFormCertUrl: CERT_URL, leadid_token: LEADID });
  });

  it('finds a LeadiD input by its name too', async () => {
    const element = await mountAndFill();
    pageInput({ name: 'leadid_token', value: LEADID });
    expect(await submittedContext(element)).to.include({ leadid_token: LEADID });
  });

  it('sends no token the page does not have, or has not filled yet', async () => {
    const element = await mountAndFill();
    pageInput({ id: 'leadid_token', value: '' });
    const context = await submittedContext(element);
    expect(context).not.to.have.property('xxTrustedFormCertUrl');
    expect(context).not.to.have.property('leadid_token');
  });
});
