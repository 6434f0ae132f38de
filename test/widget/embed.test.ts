import { expect, waitUntil } from '@open-wc/testing';
import { quoteForm, stubRelay } from './relay-stub.ts';

/** Adds a script tag the way a partner's page has it, running the built script-tag bundle. */
function addScript(attributes: Record<string, string>, parent: Element = document.body): HTMLScriptElement {
  const script = document.createElement('script');
  script.src = '/dist/assets/widget.js';
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value);
  parent.append(script);
  return script;
}

function firstNameOf(element: Element | undefined): HTMLInputElement | null | undefined {
  return element?.shadowRoot?.querySelector<HTMLInputElement>('#lc-firstName');
}

describe('widget.js by script tag', () => {
  let stub: ReturnType<typeof stubRelay>;
  beforeEach(() => {
    stub = stubRelay({ ...quoteForm, id: 'quote' });
  });
  afterEach(() => {
    stub.restore();
    for (const element of document.querySelectorAll('lead-capture, script[src*="widget.js"], #target')) {
      element.remove();
    }
  });

  it('mounts right after its script tag with every data-* attribute copied', async () => {
    const holder = document.createElement('div');
    document.body.append(holder);
    const script = addScript(
      { 'data-form': 'quote', 'data-relay': 'http://relay.test', 'data-theme': 'dark', 'data-field-first-name': 'Ada' },
      holder,
    );
    await waitUntil(() => script.nextElementSibling?.localName === 'lead-capture', 'the element mounts');
    const element = script.nextElementSibling as HTMLElement;
    expect(element.getAttribute('form')).to.equal('quote');
    expect(element.getAttribute('theme')).to.equal('dark');
    await waitUntil(() => element.shadowRoot?.querySelector('#lc-firstName'), 'the form renders');
    expect(firstNameOf(element)?.value).to.equal('Ada');
    holder.remove();
  });

  it('defaults the relay to the script’s own origin', async () => {
    const script = addScript({ 'data-form': 'quote' });
    await waitUntil(() => script.nextElementSibling?.localName === 'lead-capture', 'the element mounts');
    expect(script.nextElementSibling?.getAttribute('relay')).to.equal(location.origin);
  });

  it('mounts into data-target, and two widgets on one page work independently', async () => {
    const target = document.createElement('section');
    target.id = 'target';
    document.body.append(target);
    addScript({ 'data-form': 'quote', 'data-relay': 'http://relay.test', 'data-target': '#target' });
    addScript({ 'data-form': 'quote', 'data-relay': 'http://relay.test', 'data-locale': 'en-US' });
    await waitUntil(() => document.querySelectorAll('lead-capture').length === 2, 'both mount');
    const [first, second] = Array.from(document.querySelectorAll('lead-capture'));
    expect(first?.parentElement).to.equal(target);
    await waitUntil(() => first?.shadowRoot?.querySelector('#lc-firstName'), 'the first renders');
    await waitUntil(() => second?.shadowRoot?.querySelector('#lc-firstName'), 'the second renders');
    const input = first?.shadowRoot?.querySelector('#lc-firstName') as HTMLInputElement;
    input.value = 'Only here';
    input.dispatchEvent(new Event('input'));
    expect(firstNameOf(second)?.value).to.equal('');
  });
});
