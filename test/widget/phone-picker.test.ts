import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import '../../widget/define.ts';
import type { PublicForm } from '../../shared/form.ts';
import { BUILT_IN_PLANS, type PhonePlan } from '../../shared/phone.ts';
import type { LeadCapture } from '../../widget/lead-capture.ts';
import { quoteForm, stubRelay } from './relay-stub.ts';

type Stub = ReturnType<typeof stubRelay>;
let stub: Stub | undefined;

afterEach(() => {
  stub?.restore();
  stub = undefined;
  sessionStorage.clear();
});

/** A one-step form whose phone takes UK and Indian numbers, with the plans the relay serves for them. */
const ukAndIndia: PublicForm = {
  ...quoteForm,
  fields: [
    {
      name: 'phone',
      type: 'tel',
      label: 'Mobile number',
      required: true,
      countries: ['GB', 'IN'],
      country: 'GB',
      plans: [
        BUILT_IN_PLANS.GB as PhonePlan,
        { country: 'IN', code: '91', trunk: '0', shape: '(?:000800|[2-9]\\d\\d)\\d{7}|1\\d{7,12}' },
      ],
    },
  ],
  steps: [{ title: 'You', fields: ['phone'] }],
  consents: [],
};

async function mount(form: PublicForm): Promise<LeadCapture> {
  stub = stubRelay(form);
  const wrapper = await fixture<HTMLDivElement>(
    `<div><lead-capture form="quote" relay="http://relay.test"></lead-capture></div>`,
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

async function type(element: LeadCapture, value: string): Promise<void> {
  const input = $(element, '#lc-phone') as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  input.dispatchEvent(new Event('blur'));
  await element.updateComplete;
}

async function choose(element: LeadCapture, country: string): Promise<void> {
  const picker = $(element, 'select[part="country"]') as HTMLSelectElement;
  picker.value = country;
  picker.dispatchEvent(new Event('change'));
  await element.updateComplete;
}

function error(element: LeadCapture): string | undefined {
  return element.shadowRoot?.querySelector('#lc-phone-error')?.textContent ?? undefined;
}

describe('<lead-capture> phone country picker', () => {
  it('is there only for a phone field of several countries, named for assistive technology', async () => {
    const single = await mount(quoteForm);
    expect(single.shadowRoot?.querySelector('select[part="country"]')).to.equal(null);
    single.remove();
    stub?.restore();
    const element = await mount(ukAndIndia);
    const picker = $(element, 'select[part="country"]') as HTMLSelectElement;
    expect(picker.getAttribute('aria-label')).to.equal('Country');
    expect([...picker.options].map((o) => o.textContent)).to.deep.equal(['GB +44', 'IN +91']);
    expect(picker.value).to.equal('GB');
    await expect(element).to.be.accessible();
  });

  it('reads a number typed without its + code as the chosen country’s, and checks it again', async () => {
    const element = await mount(ukAndIndia);
    // Indian toll-free: too long for a UK number.
    await type(element, '1800 123 4567');
    expect(error(element)).to.contain('valid phone number');
    await choose(element, 'IN');
    expect(error(element)).to.equal(undefined);
    expect(($(element, 'select[part="country"]') as HTMLSelectElement).value).to.equal('IN');
    await choose(element, 'GB');
    expect(error(element)).to.contain('valid phone number');
  });

  it('sends an Indian number typed the national way in E.164 once India is chosen', async () => {
    const element = await mount(ukAndIndia);
    await choose(element, 'IN');
    await type(element, '098950 12345');
    const success = oneEvent(element, 'lead-success');
    ($(element, 'button[type="submit"]') as HTMLButtonElement).click();
    await success;
    const post = stub?.calls.find((c) => c.method === 'POST');
    expect((post?.body as { fields?: unknown } | undefined)?.fields).to.deep.equal({ phone: '+919895012345' });
  });

  it('takes a number with its + code whichever country is chosen, and refuses one no country has', async () => {
    const element = await mount(ukAndIndia);
    await type(element, '+91 98950 12345');
    expect(error(element)).to.equal(undefined);
    await type(element, '+44 7840 258823');
    expect(error(element)).to.equal(undefined);
    await type(element, '+91 00000 00000');
    expect(error(element)).to.contain('valid phone number');
    await type(element, '+33 6 12 34 56 78');
    expect(error(element)).to.contain('valid phone number');
  });
});
