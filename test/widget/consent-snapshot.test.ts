import { expect, fixture, waitUntil } from '@open-wc/testing';
import '../../widget/define.ts';
import { CONSENT_MARKUP_MAX_LENGTH } from '../../shared/context-keys.ts';
import type { PublicForm } from '../../shared/form.ts';
import type { Offer } from '../../shared/ping-post.ts';
import type { LeadCapture } from '../../widget/lead-capture.ts';
import { quoteForm, type RelayCall, stubRelay } from './relay-stub.ts';

let stub: ReturnType<typeof stubRelay> | undefined;
afterEach(() => {
  stub?.restore();
  stub = undefined;
  sessionStorage.clear();
});

/** One step, a required consent and an optional one: what a plain form's consent section shows. */
const consentForm: PublicForm = {
  ...quoteForm,
  steps: [{ title: 'You', fields: ['firstName', 'email'] }],
  consents: [
    { name: 'contact', text: 'You may contact me about my quote.', required: true },
    { name: 'news', text: 'Send me news & offers <monthly>.', required: false },
  ],
};

async function mount(form: PublicForm, pingPost?: Parameters<typeof stubRelay>[2]): Promise<LeadCapture> {
  stub = stubRelay(form, undefined, pingPost);
  const wrapper = await fixture<HTMLDivElement>(
    `<div><lead-capture form="${form.id}" relay="http://relay.test" redirect="never"></lead-capture></div>`,
  );
  const element = wrapper.querySelector('lead-capture') as LeadCapture;
  await waitUntil(() => element.shadowRoot?.querySelector('form'), 'the form renders');
  for (const [name, value] of [
    ['firstName', 'Ada'],
    ['email', 'ada@example.com'],
  ] as const) {
    const input = element.shadowRoot?.querySelector<HTMLInputElement>(`#lc-${name}`);
    if (!input) throw new Error(`no ${name}`);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }
  await element.updateComplete;
  return element;
}

async function tick(element: LeadCapture, selector: string, root: ParentNode = element.shadowRoot as ParentNode) {
  root.querySelector<HTMLInputElement>(selector)?.click();
  await element.updateComplete;
}

function submit(element: LeadCapture): void {
  element.shadowRoot?.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
}

/** The text a reader sees in some markup, white space collapsed. */
function visibleText(markup: string): string {
  const holder = document.createElement('div');
  holder.innerHTML = markup;
  return (holder.textContent ?? '').replace(/\s+/g, ' ').trim();
}

async function sentBody(path: RegExp): Promise<{ consentMarkup?: string } & Record<string, unknown>> {
  await waitUntil(() => stub?.calls.some((c) => c.method === 'POST' && path.test(c.url)), 'the request is sent');
  return stub?.calls.find((c) => c.method === 'POST' && path.test(c.url))?.body as { consentMarkup?: string };
}

describe('<lead-capture> consent snapshot', () => {
  it('sends the consent section as rendered at submit, with what was ticked and without Lit’s markers', async () => {
    const element = await mount(consentForm);
    await tick(element, '#lc-consent-contact');
    const section = [...(element.shadowRoot?.querySelectorAll('[part="consent"]') ?? [])];
    const onScreen = section
      .map((e) => e.textContent)
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    submit(element);
    const { consentMarkup } = await sentBody(/\/leads$/);
    expect(consentMarkup).to.be.a('string');
    const markup = consentMarkup as string;
    expect(markup).not.to.contain('<!--');
    expect(markup.startsWith('<div class="check" part="consent">')).to.equal(true);
    expect(visibleText(markup)).to.equal(onScreen);
    // Escaped as the browser escapes text: the words are those shown, not markup of their own.
    expect(markup).to.contain('Send me news &amp; offers &lt;monthly&gt;.');
    const shown = document.createElement('div');
    shown.innerHTML = markup;
    const boxes = [...shown.querySelectorAll('input[type="checkbox"]')];
    expect(boxes.map((b) => b.id)).to.deep.equal(['lc-consent-contact', 'lc-consent-news']);
    expect(boxes.map((b) => b.hasAttribute('checked'))).to.deep.equal([true, false]);
  });

  it('holds no answer the consumer typed', async () => {
    const element = await mount(consentForm);
    await tick(element, '#lc-consent-contact');
    submit(element);
    const { consentMarkup } = await sentBody(/\/leads$/);
    expect(consentMarkup).not.to.contain('Ada');
    expect(consentMarkup).not.to.contain('ada@example.com');
  });

  it(`leaves out a snapshot over ${CONSENT_MARKUP_MAX_LENGTH} characters, and still sends the lead`, async () => {
    const long = { ...consentForm, consents: [{ name: 'contact', text: 'I agree. '.repeat(1000), required: true }] };
    const element = await mount(long);
    await tick(element, '#lc-consent-contact');
    submit(element);
    const body = await sentBody(/\/leads$/);
    expect(body).not.to.have.property('consentMarkup');
    expect(body).to.have.nested.property('consent.contact', true);
  });
});

function offer(id: string, company: string): Offer {
  return {
    offerId: id,
    companyName: company,
    companyPhoneNumber: '555-0100',
    name: `${company} solar plan`,
    description: 'Panels fitted in a week.',
    type: 'Monthly',
    price: 0,
    url: 'https://example.com/offer',
    tcpa: {
      required: true,
      text: `By ticking, I agree that ${company} may call me about solar.`,
      privacyUrl: 'https://example.com/privacy',
      termsUrl: 'https://example.com/terms',
    },
  };
}

describe('<lead-capture> consent snapshot with ping/post offers', () => {
  it('sends the form’s consents and the offers as shown, with the one chosen ticked', async () => {
    const posts: RelayCall[] = [];
    const solar = { ...consentForm, id: 'solar', pingPost: true, allowNoOffer: false };
    const element = await mount(solar, {
      ping: () =>
        Response.json({
          sessionId: 's-1',
          willAccept: true,
          expiresAt: '2026-11-23T12:00:00Z',
          offers: [offer('o-1', 'Sunny Co'), offer('o-2', 'Bright Ltd')],
        }),
      post: (call) => {
        posts.push(call);
        return Response.json({ leadId: 'lead-2', status: 'accepted', acceptedOffers: ['o-2'] });
      },
    });
    await tick(element, '#lc-consent-contact');
    submit(element);
    await waitUntil(() => element.querySelector('.lc-offers .lc-offer'), 'the offers render');
    const block = element.querySelector('.lc-offers') as HTMLElement;
    await tick(element, '#lc-offer-o-2', block);
    const onScreen = (block.textContent ?? '').replace(/\s+/g, ' ').trim();
    block.querySelector<HTMLButtonElement>('[data-tf-element-role="submit"]')?.click();
    await waitUntil(() => posts.length === 1, 'the post is sent');
    const markup = (posts[0]?.body as { consentMarkup?: string } | undefined)?.consentMarkup ?? '';
    expect(markup).not.to.contain('<!--');
    const [formPart, offersPart] = markup.split('<div class="lc-offers"');
    expect(visibleText(formPart ?? '')).to.contain('You may contact me about my quote.');
    expect(visibleText(`<div class="lc-offers"${offersPart}`)).to.equal(onScreen);
    const shown = document.createElement('div');
    shown.innerHTML = markup;
    expect(shown.querySelector('#lc-offer-o-1')?.hasAttribute('checked')).to.equal(false);
    expect(shown.querySelector('#lc-offer-o-2')?.hasAttribute('checked')).to.equal(true);
    expect(shown.querySelector('[data-tf-element-role="consent-language"]')?.textContent).to.contain(
      'By ticking, I agree that Sunny Co may call me about solar.',
    );
  });
});
