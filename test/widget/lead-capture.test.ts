import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../widget/define.ts';
import type { LeadCapture } from '../../widget/lead-capture.ts';
import { type Hurry, hurryWaits } from './hurry.ts';
import { quoteForm, type RelayCall, stubRelay } from './relay-stub.ts';

type Stub = ReturnType<typeof stubRelay>;
let stub: Stub | undefined;

afterEach(() => {
  stub?.restore();
  stub = undefined;
  sessionStorage.clear();
});

async function mount(answer?: Parameters<typeof stubRelay>[1], attrs = '', form = quoteForm): Promise<LeadCapture> {
  stub = stubRelay(form, answer);
  const wrapper = await fixture<HTMLDivElement>(
    `<div><lead-capture form="quote" relay="http://relay.test" ${attrs}></lead-capture></div>`,
  );
  const element = wrapper.querySelector('lead-capture') as LeadCapture;
  await waitUntil(() => element.shadowRoot?.querySelector('form'), 'the form renders');
  return element;
}

function $(element: LeadCapture, selector: string): HTMLElement {
  const found = element.shadowRoot?.querySelector<HTMLElement>(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
}

async function type(element: LeadCapture, name: string, value: string): Promise<void> {
  const input = $(element, `#lc-${name}`) as HTMLInputElement;
  input.value = value;
  // As typing does: an input event bubbles out of the shadow root.
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new Event('blur'));
  await element.updateComplete;
}

async function submit(element: LeadCapture): Promise<void> {
  ($(element, 'button[type="submit"]') as HTMLButtonElement).click();
  await element.updateComplete;
}

async function fillAndSend(element: LeadCapture): Promise<void> {
  await type(element, 'firstName', 'Ada');
  await type(element, 'email', 'ada@example.com');
  await submit(element);
  await type(element, 'phone', '07840 258823');
  ($(element, '#lc-consent-contact') as HTMLInputElement).click();
  await element.updateComplete;
  await submit(element);
}

/** The quote form with a hidden field the page fills in, on the first step. */
const campaignForm = {
  ...quoteForm,
  fields: [...quoteForm.fields, { name: 'campaign', type: 'hidden' as const, label: 'Campaign', required: true }],
  steps: [{ title: 'You', fields: ['campaign', 'firstName', 'email'] }, ...quoteForm.steps.slice(1)],
};

describe('<lead-capture>', () => {
  it('loads the form from the relay and labels every field of the first step', async () => {
    const element = await mount();
    expect(stub?.calls[0]?.url).to.equal('http://relay.test/v1/forms/quote');
    expect($(element, 'label[for="lc-firstName"]').textContent).to.contain('First name');
    expect($(element, 'label[for="lc-email"]').textContent).to.contain('Email');
    expect(element.shadowRoot?.querySelector('#lc-phone')).to.equal(null);
    expect($(element, '[part="progress"]').textContent).to.contain('Step 1 of 2');
  });

  it('has no axe violations on the form screen', async () => {
    const element = await mount();
    await expect(element).to.be.accessible();
  });

  it('shows an error next to a bad email once the field is left, and marks it invalid', async () => {
    const element = await mount();
    await type(element, 'email', 'not-an-email');
    const input = $(element, '#lc-email');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    const error = $(element, '#lc-email-error');
    expect(error.textContent).to.contain('valid email');
    expect(input.getAttribute('aria-describedby')).to.contain('lc-email-error');
    await type(element, 'email', 'ada@example.com');
    expect(element.shadowRoot?.querySelector('#lc-email-error')).to.equal(null);
  });

  it('rejects a first name over 200 characters as the consumer types', async () => {
    const element = await mount();
    await type(element, 'firstName', 'a'.repeat(201));
    expect($(element, '#lc-firstName-error').textContent).to.contain('200');
  });

  it('will not leave a step with errors, and announces how many', async () => {
    const element = await mount();
    await submit(element);
    expect($(element, '[part="progress"]').textContent).to.contain('Step 1 of 2');
    await waitUntil(() => $(element, '[role="status"]').textContent?.includes('2'), 'the count is announced');
  });

  it('keeps values when going back and forth between steps', async () => {
    const element = await mount();
    await type(element, 'firstName', 'Ada');
    await type(element, 'email', 'ada@example.com');
    await submit(element);
    expect($(element, '[part="progress"]').textContent).to.contain('Step 2 of 2');
    ($(element, 'button[part~="back"]') as HTMLButtonElement).click();
    await element.updateComplete;
    expect(($(element, '#lc-firstName') as HTMLInputElement).value).to.equal('Ada');
  });

  it('submits fields, consent, context and an Idempotency-Key, with the phone in E.164', async () => {
    const element = await mount();
    const success = oneEvent(element, 'lead-success');
    await fillAndSend(element);
    const { detail } = await success;
    expect(detail.leadId).to.equal('lead-1');
    const post = stub?.calls.find((c) => c.method === 'POST');
    expect(post?.headers['idempotency-key']).to.match(/^[0-9a-f-]{36}$/);
    const body = post?.body as { fields: unknown; consent: unknown; context: { pageUrl: string } };
    expect(body.fields).to.deep.equal({ firstName: 'Ada', email: 'ada@example.com', phone: '+447840258823' });
    expect(body.consent).to.deep.equal({ contact: true });
    expect(body.context.pageUrl).to.equal(location.href);
    await waitUntil(() => element.shadowRoot?.querySelector('[part="success"]'), 'the success screen shows');
    await expect(element).to.be.accessible();
  });

  it('shows the relay’s field errors next to their fields and returns to their step', async () => {
    const element = await mount(() =>
      Response.json(
        {
          error: {
            code: 'validation_failed',
            message: 'fields.email: Enter a valid email address',
            issues: [{ path: 'fields.email', rule: 'email', message: 'Enter a valid email address' }],
          },
        },
        { status: 400 },
      ),
    );
    const failed = oneEvent(element, 'lead-error');
    await fillAndSend(element);
    expect((await failed).detail.code).to.equal('validation_failed');
    await waitUntil(() => element.shadowRoot?.querySelector('#lc-email-error'), 'the error shows by its field');
    expect($(element, '[part="progress"]').textContent).to.contain('Step 1 of 2');
  });

  it('tries a network failure again with the same Idempotency-Key', async () => {
    let posts = 0;
    const element = await mount(() => {
      posts += 1;
      if (posts === 1) throw new TypeError('Failed to fetch');
      return Response.json({ leadId: 'lead-2', status: 'accepted', deliveries: [] }, { status: 202 });
    });
    const success = oneEvent(element, 'lead-success');
    await fillAndSend(element);
    expect((await success).detail.leadId).to.equal('lead-2');
    const keys = stub?.calls.filter((c) => c.method === 'POST').map((c) => c.headers['idempotency-key']);
    expect(keys).to.have.length(2);
    expect(keys?.[0]).to.equal(keys?.[1]);
  });

  it('keeps what was typed through a reload, and forgets it after success', async () => {
    const first = await mount();
    await type(first, 'firstName', 'Grace');
    first.remove();
    stub?.restore();
    const second = await mount();
    expect(($(second, '#lc-firstName') as HTMLInputElement).value).to.equal('Grace');
    await fillAndSend(second);
    await waitUntil(() => second.shadowRoot?.querySelector('[part="success"]'), 'the success screen shows');
    expect(sessionStorage.getItem('lead-capture:quote')).to.equal(null);
  });

  it('keeps the draft through a refused submit, so a reload still shows what was typed', async () => {
    const first = await mount(() =>
      Response.json({ error: { code: 'rate_limited', message: 'Slow down' } }, { status: 429 }),
    );
    const failed = oneEvent(first, 'lead-error');
    await fillAndSend(first);
    expect((await failed).detail.code).to.equal('rate_limited');
    first.remove();
    stub?.restore();
    const second = await mount();
    expect(($(second, '#lc-phone') as HTMLInputElement).value).to.equal('07840 258823');
    ($(second, 'button.secondary') as HTMLButtonElement).click();
    await second.updateComplete;
    expect(($(second, '#lc-firstName') as HTMLInputElement).value).to.equal('Ada');
  });

  it('sends the same Idempotency-Key after a reload that follows a failed submit', async () => {
    const first = await mount(() =>
      Response.json({ error: { code: 'rate_limited', message: 'Slow down' } }, { status: 429 }),
    );
    const failed = oneEvent(first, 'lead-error');
    await fillAndSend(first);
    await failed;
    const firstKey = stub?.calls.find((c) => c.method === 'POST')?.headers['idempotency-key'];
    expect(firstKey).to.be.a('string');
    first.remove();
    stub?.restore();
    const second = await mount();
    const success = oneEvent(second, 'lead-success');
    ($(second, '#lc-consent-contact') as HTMLInputElement).click();
    await second.updateComplete;
    await submit(second);
    await success;
    expect(stub?.calls.find((c) => c.method === 'POST')?.headers['idempotency-key']).to.equal(firstKey);
  });

  it('shows the agent to call when the relay transferred the lead at once', async () => {
    const element = await mount(
      () =>
        Response.json({
          leadId: 'lead-7',
          status: 'delivered',
          deliveries: [{ provider: 'leadexec', status: 'delivered' }],
          transfer: { agentName: 'Sam at Acme Debt Advice', agentPhone: '(800) 555-0199' },
        }),
      'redirect="never"',
    );
    const success = oneEvent(element, 'lead-success');
    await fillAndSend(element);
    expect((await success).detail.leadId).to.equal('lead-7');
    await element.updateComplete;
    expect($(element, '[part="transfer"]').textContent).to.contain('Sam at Acme Debt Advice');
    expect($(element, '[part="transfer-phone"]').getAttribute('href')).to.equal('tel:8005550199');
  });

  it('prefills from data-field-* attributes', async () => {
    const element = await mount(undefined, 'data-field-first-name="Marie"');
    expect(($(element, '#lc-firstName') as HTMLInputElement).value).to.equal('Marie');
  });

  it('keeps a hidden field out of sight and sends the value the page gave it', async () => {
    const element = await mount(undefined, 'data-field-campaign="spring-26"', campaignForm);
    const hidden = $(element, 'input[name="campaign"]') as HTMLInputElement;
    expect(hidden.type).to.equal('hidden');
    expect(hidden.value).to.equal('spring-26');
    expect(element.shadowRoot?.textContent).not.to.contain('Campaign');
    await fillAndSend(element);
    await waitUntil(() => element.shadowRoot?.querySelector('[part="success"]'), 'the success screen shows');
    const post = stub?.calls.find((c) => c.method === 'POST');
    expect(post?.body).to.have.nested.property('fields.campaign', 'spring-26');
  });

  it('says which hidden field is wrong when the page left it out', async () => {
    const element = await mount(undefined, '', campaignForm);
    await type(element, 'firstName', 'Ada');
    await type(element, 'email', 'ada@example.com');
    await submit(element);
    expect($(element, '[role="alert"]').textContent).to.equal('Campaign: This field is required');
    await expect(element).to.be.accessible();
  });

  it('hides the honeypot from people and assistive technology', async () => {
    const element = await mount();
    const honeypot = $(element, '#lc-website');
    expect(honeypot.closest('[aria-hidden="true"]')).to.not.equal(null);
    expect(honeypot.getAttribute('tabindex')).to.equal('-1');
    expect(honeypot.getBoundingClientRect().right).to.be.lessThan(0);
  });

  it('shows a retry screen when the form cannot be loaded', async () => {
    stub = stubRelay(quoteForm);
    const wrapper = await fixture<HTMLDivElement>(
      html`<div><lead-capture form="missing" relay="http://relay.test"></lead-capture></div>`,
    );
    const element = wrapper.querySelector('lead-capture') as LeadCapture;
    await waitUntil(() => element.shadowRoot?.querySelector('[part="load-error"]'), 'the error screen shows');
    await expect(element).to.be.accessible();
  });

  it('switches locale at run time', async () => {
    const element = await mount();
    element.locale = 'en-US';
    await fillAndSend(element);
    await waitUntil(() => element.shadowRoot?.querySelector('[part="success"]'), 'the success screen shows');
    expect($(element, '[part="success"]').textContent).to.contain('your information');
  });

  it('speaks a locale the partner defines, in English where it leaves a string out', async () => {
    const element = await mount();
    const LeadCaptureClass = customElements.get('lead-capture') as typeof LeadCapture;
    element.locale = 'fr-FR';
    LeadCaptureClass.defineLocale('fr-FR', {
      next: 'Suivant',
      rules: { email: () => 'Saisissez une adresse e-mail valide' },
    });
    await element.updateComplete;
    expect($(element, '[part~="submit"]').textContent?.trim()).to.equal('Suivant');
    await type(element, 'email', 'nope');
    expect($(element, '#lc-email-error').textContent).to.equal('Saisissez une adresse e-mail valide');
    await type(element, 'firstName', 'x'.repeat(201));
    expect($(element, '#lc-firstName-error').textContent).to.equal('Use at most 200 characters');
  });

  it('re-renders a widget already on the page when its locale is defined after it', async () => {
    const element = await mount(undefined, 'locale="nl-NL"');
    expect($(element, '[part~="submit"]').textContent?.trim()).to.equal('Next');
    (customElements.get('lead-capture') as typeof LeadCapture).defineLocale('nl-NL', { next: 'Volgende' });
    await element.updateComplete;
    expect($(element, '[part~="submit"]').textContent?.trim()).to.equal('Volgende');
  });

  it('speaks English for a locale nobody defined, whatever its name', async () => {
    const element = await mount(undefined, 'locale="constructor"');
    expect($(element, '[part~="submit"]').textContent?.trim()).to.equal('Next');
  });
});

describe('<lead-capture> when the relay cannot take the lead', () => {
  let hurry: Hurry | undefined;

  afterEach(() => {
    hurry?.restore();
    hurry = undefined;
  });

  /** The relay's answer when neither of its stores takes a lead. */
  const unavailable = (retryAfter: string) =>
    Response.json(
      { error: { code: 'unavailable', message: 'The lead could not be stored just now', issues: [] } },
      { status: 503, headers: { 'retry-after': retryAfter } },
    );
  const accepted = () => Response.json({ leadId: 'lead-3', status: 'accepted', deliveries: [] }, { status: 202 });
  const keys = () => stub?.calls.filter((c) => c.method === 'POST').map((c) => c.headers['idempotency-key']);
  const notice = (element: LeadCapture) => element.shadowRoot?.querySelector('form > p[part="error"]')?.textContent;

  it('waits out a 503’s Retry-After, sends again with the same Idempotency-Key, then forgets the draft', async () => {
    const sentAt: number[] = [];
    const element = await mount(() => {
      sentAt.push(performance.now());
      return sentAt.length === 1 ? unavailable('1') : accepted();
    });
    const success = oneEvent(element, 'lead-success');
    await fillAndSend(element);
    expect((await success).detail.leadId).to.equal('lead-3');
    // One second asked for, not the 500 ms backoff; a timer may fire a hair early on this clock.
    expect((sentAt[1] ?? 0) - (sentAt[0] ?? 0)).to.be.at.least(990);
    expect(keys()).to.have.length(2);
    expect(new Set(keys()).size).to.equal(1);
    expect(sessionStorage.getItem('lead-capture:quote')).to.equal(null);
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    const at = new Date(Date.now() + 5000).toUTCString();
    let posts = 0;
    const element = await mount(() => (++posts === 1 ? unavailable(at) : accepted()));
    hurry = hurryWaits();
    const success = oneEvent(element, 'lead-success');
    await fillAndSend(element);
    await success;
    // The date is to the second, so up to a second less than five is left of it.
    expect(hurry.waits[0]).to.be.within(3000, 5000);
  });

  it('after a 503 on every try, says the answers stay in this tab, and keeps them in the fields and the draft', async () => {
    const element = await mount(() => unavailable('1'));
    hurry = hurryWaits();
    const failed = oneEvent(element, 'lead-error');
    await fillAndSend(element);
    expect((await failed).detail.code).to.equal('unavailable');
    hurry.restore();
    expect(hurry.waits).to.deep.equal([1000, 1500, 4000]);
    expect(keys()).to.have.length(4);
    expect(new Set(keys()).size).to.equal(1);
    await waitUntil(() => notice(element), 'the error shows above the buttons');
    expect(notice(element)).to.contain('Your answers are kept in this tab, even if you reload the page');
    await waitUntil(() => $(element, '[role="status"]').textContent === notice(element), 'the error is announced');
    expect(($(element, '#lc-phone') as HTMLInputElement).value).to.equal('07840 258823');
    const draft = JSON.parse(sessionStorage.getItem('lead-capture:quote') ?? '{}');
    expect(draft.values).to.deep.include({ firstName: 'Ada', email: 'ada@example.com', phone: '07840 258823' });
    expect(draft.idempotencyKey).to.equal(keys()?.[0]);
    await expect(element).to.be.accessible();
  });

  it('still says the server could not be reached when every try failed on the network', async () => {
    const element = await mount((call: RelayCall) => {
      throw new TypeError(`Failed to fetch ${call.url}`);
    });
    hurry = hurryWaits();
    const failed = oneEvent(element, 'lead-error');
    await fillAndSend(element);
    expect((await failed).detail.code).to.equal('network_error');
    hurry.restore();
    expect(hurry.waits).to.deep.equal([500, 1500, 4000]);
    await waitUntil(() => notice(element), 'the error shows above the buttons');
    expect(notice(element)).to.equal('We could not reach the server. Your answers are kept; please try again.');
  });

  it('takes the error away once the consumer sends again', async () => {
    let posts = 0;
    const element = await mount(() => (++posts <= 4 ? unavailable('1') : accepted()));
    hurry = hurryWaits();
    const failed = oneEvent(element, 'lead-error');
    await fillAndSend(element);
    await failed;
    hurry.restore();
    await waitUntil(() => notice(element), 'the error shows');
    const success = oneEvent(element, 'lead-success');
    await submit(element);
    expect(notice(element)).to.equal(undefined);
    await success;
  });
});

describe('<lead-capture> funnel beacons', () => {
  it('reports view, start, the step reached, submit and success, with nothing the consumer typed', async () => {
    const element = await mount();
    const success = oneEvent(element, 'lead-success');
    await fillAndSend(element);
    await success;
    const beacons = stub?.beacons ?? [];
    expect(beacons.map((b) => b.url)).to.deep.equal(
      Array(beacons.length).fill('http://relay.test/v1/forms/quote/events'),
    );
    const events = beacons.flatMap((b) => b.body.events);
    expect(events.map((e) => e.type)).to.deep.equal(['view', 'start', 'step', 'submit', 'success']);
    expect(events[2]).to.deep.include({ step: 1 });
    const sent = JSON.stringify(beacons);
    for (const typed of ['Ada', 'ada@example.com', '07840']) expect(sent).not.to.contain(typed);
  });

  it('counts a step once, however often the consumer goes back to it', async () => {
    const element = await mount();
    await type(element, 'firstName', 'Ada');
    await type(element, 'email', 'ada@example.com');
    await submit(element);
    ($(element, 'button.secondary') as HTMLButtonElement).click();
    await element.updateComplete;
    await submit(element);
    const steps = (stub?.beacons ?? []).flatMap((b) => b.body.events).filter((e) => e.type === 'step');
    expect(steps).to.have.length(1);
  });

  it('reports an error by its code only', async () => {
    const element = await mount(() =>
      Response.json({ error: { code: 'rate_limited', message: 'Too many requests' } }, { status: 429 }),
    );
    await fillAndSend(element);
    await waitUntil(() => (stub?.beacons ?? []).some((b) => b.body.events[0]?.type === 'error'), 'an error beacon');
    const error = (stub?.beacons ?? []).flatMap((b) => b.body.events).find((e) => e.type === 'error');
    expect(Object.keys(error ?? {}).sort()).to.deep.equal(['at', 'code', 'type']);
    expect(error).to.deep.include({ code: 'rate_limited' });
  });
});

describe('<lead-capture datalayer>', () => {
  afterEach(() => {
    delete (window as { dataLayer?: unknown[] }).dataLayer;
  });

  it('pushes lead_submit and lead_success to window.dataLayer', async () => {
    const element = await mount(undefined, 'datalayer');
    const success = oneEvent(element, 'lead-success');
    await fillAndSend(element);
    await success;
    const layer = (window as { dataLayer?: { event: string; leadForm: string }[] }).dataLayer ?? [];
    expect(layer.map((e) => e.event)).to.deep.equal(['lead_submit', 'lead_success']);
    expect(layer[1]).to.deep.include({ leadForm: 'quote', leadId: 'lead-1' });
  });

  it('pushes nothing without the attribute', async () => {
    const element = await mount();
    const success = oneEvent(element, 'lead-success');
    await fillAndSend(element);
    await success;
    expect((window as { dataLayer?: unknown[] }).dataLayer).to.equal(undefined);
  });
});

describe('<lead-capture> screens', () => {
  it('holds the loading height from the moment it joins the page, before its first render', () => {
    stub = stubRelay(quoteForm);
    const element = document.createElement('lead-capture');
    element.setAttribute('relay', 'http://relay.test');
    element.setAttribute('form', 'quote');
    document.body.append(element);
    try {
      expect(element.shadowRoot?.querySelector('[part="loading"]')).to.equal(null);
      expect(getComputedStyle(element).minHeight).to.equal('480px');
    } finally {
      element.remove();
    }
  });

  it('offers a translatable “Choose…” as a select’s placeholder', async () => {
    const element = await mount(undefined, '', {
      ...quoteForm,
      fields: [
        ...quoteForm.fields,
        {
          name: 'size',
          type: 'select' as const,
          label: 'Size',
          required: true,
          options: [{ value: 's', label: 'Small' }],
        },
      ],
      steps: [{ title: 'You', fields: ['firstName', 'email', 'size'] }, ...quoteForm.steps.slice(1)],
    });
    expect($(element, '#lc-size option').textContent).to.equal('Choose…');
    (customElements.get('lead-capture') as typeof LeadCapture).defineLocale('de-DE', { choose: 'Auswählen…' });
    element.locale = 'de-DE';
    await element.updateComplete;
    expect($(element, '#lc-size option').textContent).to.equal('Auswählen…');
  });

  it('puts a consent’s error below its checkbox and text, like every other error', async () => {
    const element = await mount();
    await type(element, 'firstName', 'Ada');
    await type(element, 'email', 'ada@example.com');
    await submit(element);
    await type(element, 'phone', '07840 258823');
    await submit(element);
    const error = $(element, '#lc-consent-contact-error').getBoundingClientRect();
    const box = $(element, '#lc-consent-contact').getBoundingClientRect();
    const text = $(element, 'label[for="lc-consent-contact"]').getBoundingClientRect();
    expect(error.top).to.be.at.least(text.bottom - 1);
    expect(error.top).to.be.at.least(box.bottom - 1);
    expect(error.width).to.be.greaterThan(text.width / 2);
  });

  it('confirms with a heading that takes focus, the form’s message, and the form’s height kept', async () => {
    const element = await mount();
    await type(element, 'firstName', 'Ada');
    await type(element, 'email', 'ada@example.com');
    await submit(element);
    await type(element, 'phone', '07840 258823');
    ($(element, '#lc-consent-contact') as HTMLInputElement).click();
    await element.updateComplete;
    const height = element.getBoundingClientRect().height;
    const success = oneEvent(element, 'lead-success');
    await submit(element);
    await success;
    await element.updateComplete;
    const heading = $(element, '[part="success-title"]');
    expect(heading.tagName).to.equal('H2');
    await waitUntil(() => element.shadowRoot?.activeElement === heading, 'the heading takes focus');
    expect($(element, '[part="success"]').getAttribute('role')).to.equal('status');
    expect(element.getBoundingClientRect().height).to.be.at.least(height - 1);
    await expect(element).to.be.accessible();
  });
});

describe('<lead-capture> with a Turnstile site key', () => {
  afterEach(() => {
    delete (window as { turnstile?: unknown }).turnstile;
  });

  it('renders Turnstile into its slot and sends its token once', async () => {
    const rendered: { sitekey: string }[] = [];
    let resets = 0;
    (window as { turnstile?: unknown }).turnstile = {
      render(container: HTMLElement, options: { sitekey: string; callback: (t: string) => void }) {
        expect(container.slot).to.equal('turnstile');
        rendered.push(options);
        options.callback('token-1');
        return 'widget-1';
      },
      reset(id: string) {
        expect(id).to.equal('widget-1');
        resets += 1;
      },
    };
    stub = stubRelay({ ...quoteForm, turnstileSiteKey: '1x00000000000000000000AA' });
    const wrapper = await fixture<HTMLDivElement>(
      '<div><lead-capture form="quote" relay="http://relay.test"></lead-capture></div>',
    );
    const element = wrapper.querySelector('lead-capture') as LeadCapture;
    await waitUntil(() => rendered.length === 1, 'Turnstile renders');
    expect(rendered[0]?.sitekey).to.equal('1x00000000000000000000AA');
    const success = oneEvent(element, 'lead-success');
    await fillAndSend(element);
    await success;
    const post = stub.calls.find((c) => c.method === 'POST');
    const body = post?.body as { turnstileToken?: string } | undefined;
    expect(body?.turnstileToken).to.equal('token-1');
    expect(resets).to.equal(1);
  });
});

describe('<lead-capture> offline', () => {
  afterEach(() => {
    delete (navigator as { onLine?: boolean }).onLine;
  });

  it('waits for the connection, then sends', async () => {
    const element = await mount();
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    await fillAndSend(element);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stub?.calls.filter((c) => c.method === 'POST')).to.have.length(0);
    delete (navigator as { onLine?: boolean }).onLine;
    const success = oneEvent(element, 'lead-success');
    window.dispatchEvent(new Event('online'));
    await success;
    expect(stub?.calls.filter((c) => c.method === 'POST')).to.have.length(1);
  });
});

describe('<lead-capture> accessibility on every screen', () => {
  it('has no axe violations on the second step, in the dark theme', async () => {
    const element = await mount(undefined, 'theme="dark"');
    await type(element, 'firstName', 'Ada');
    await type(element, 'email', 'not-an-email');
    await expect(element).to.be.accessible();
    await type(element, 'email', 'ada@example.com');
    await submit(element);
    expect($(element, '[part="progress"]').textContent).to.contain('Step 2 of 2');
    await expect(element).to.be.accessible();
  });

  it('has no axe violations while loading', async () => {
    stub = stubRelay(quoteForm);
    const element = document.createElement('lead-capture');
    element.setAttribute('relay', 'http://relay.test');
    element.setAttribute('form', 'quote');
    document.body.append(element);
    await element.updateComplete;
    expect(element.dataset.state).to.equal('loading');
    await expect(element).to.be.accessible();
    element.remove();
  });
});
