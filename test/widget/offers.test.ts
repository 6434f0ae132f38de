import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import '../../widget/define.ts';
import type { PublicForm } from '../../shared/form.ts';
import type { Offer } from '../../shared/ping-post.ts';
import type { LeadCapture } from '../../widget/lead-capture.ts';
import { type PingPostAnswers, type RelayCall, stubRelay } from './relay-stub.ts';

const solarForm: PublicForm = {
  id: 'solar',
  title: 'Solar quote',
  fields: [
    { name: 'firstName', type: 'text', label: 'First name', required: true },
    { name: 'email', type: 'email', label: 'Email', required: true },
  ],
  steps: [{ title: 'You', fields: ['firstName', 'email'] }],
  consents: [],
  pingPost: true,
  allowNoOffer: true,
  textsVersion: 'v1',
};

function offer(id: string, company: string): Offer {
  return {
    offerId: id,
    companyName: company,
    companyPhoneNumber: '555-0100',
    name: `${company} solar plan`,
    description: 'Panels fitted in a week.',
    type: 'Monthly',
    price: 49.5,
    url: 'https://example.com/offer',
    tcpa: {
      required: true,
      text: `By ticking, I agree that ${company} may call me about solar.`,
      privacyUrl: 'https://example.com/privacy',
      termsUrl: 'https://example.com/terms',
    },
  };
}

const twoOffers = {
  sessionId: 's-1',
  willAccept: true,
  expiresAt: '2026-11-23T12:00:00Z',
  offers: [offer('o-1', 'Sunny Co'), offer('o-2', 'Bright Ltd')],
};

let stub: ReturnType<typeof stubRelay> | undefined;
afterEach(() => {
  stub?.restore();
  sessionStorage.clear();
});

async function mount(answers: PingPostAnswers): Promise<LeadCapture> {
  stub = stubRelay(solarForm, undefined, answers);
  const wrapper = await fixture<HTMLDivElement>(
    '<div><lead-capture form="solar" relay="http://relay.test" redirect="never"></lead-capture></div>',
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
  return element;
}

function submitForm(element: LeadCapture): void {
  element.shadowRoot?.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
}

function offersBlock(element: LeadCapture): HTMLElement | null {
  return element.querySelector<HTMLElement>('.lc-offers');
}

describe('<lead-capture> with ping/post offers', () => {
  it('shows each offer with its consent text in light DOM, unticked, marked for TrustedForm', async () => {
    const element = await mount({ ping: () => Response.json(twoOffers), post: () => Response.json({}) });
    const shown = oneEvent(element, 'lead-offers');
    submitForm(element);
    expect((await shown).detail.offers).to.have.length(2);
    await waitUntil(() => offersBlock(element), 'the offers render');
    const block = offersBlock(element) as HTMLElement;
    expect(block.slot).to.equal('offers');
    const consents = [...block.querySelectorAll('[data-tf-element-role="consent-language"]')].map((c) => c.textContent);
    expect(consents[0]).to.contain('By ticking, I agree that Sunny Co may call me about solar.');
    expect(block.querySelectorAll('[data-tf-element-role="offer"]')).to.have.length(2);
    expect(block.querySelector('[data-tf-element-role="consent-advertiser-name"]')?.textContent).to.equal('Sunny Co');
    const boxes = [...block.querySelectorAll<HTMLInputElement>('.lc-offer input[type="checkbox"]')];
    expect(boxes.map((b) => b.checked)).to.deep.equal([false, false]);
    const submit = block.querySelector<HTMLButtonElement>('[data-tf-element-role="submit"]');
    expect(submit?.disabled).to.equal(true);
    await expect(element).to.be.accessible();
  });

  it('posts exactly the chosen offer with the session and shows success', async () => {
    const posts: RelayCall[] = [];
    const element = await mount({
      ping: () => Response.json(twoOffers),
      post: (call) => {
        posts.push(call);
        return Response.json({ leadId: 'lead-9', status: 'accepted', acceptedOffers: ['o-2'] });
      },
    });
    submitForm(element);
    await waitUntil(() => offersBlock(element), 'the offers render');
    const block = offersBlock(element) as HTMLElement;
    block.querySelector<HTMLInputElement>('#lc-offer-o-2')?.click();
    await element.updateComplete;
    const accepted = oneEvent(element, 'lead-offer-accept');
    const success = oneEvent(element, 'lead-success');
    block.querySelector<HTMLButtonElement>('[data-tf-element-role="submit"]')?.click();
    expect((await accepted).detail.offerIds).to.deep.equal(['o-2']);
    expect((await success).detail.leadId).to.equal('lead-9');
    expect(posts[0]?.url).to.equal('http://relay.test/v1/forms/solar/sessions/s-1/post');
    expect(posts[0]?.body).to.deep.include({ offerIds: ['o-2'] });
    await waitUntil(() => !offersBlock(element), 'the offers block goes away');
  });

  for (const [code, status, when] of [
    ['order_expired', 410, 'the order expired'],
    ['session_not_found', 404, 'the relay no longer opens the session'],
  ] as const) {
    it(`pings again with what was typed when ${when}`, async () => {
      let pings = 0;
      const element = await mount({
        ping: (call) => {
          pings += 1;
          expect(call.body).to.deep.include({ fields: { firstName: 'Ada', email: 'ada@example.com' } });
          return Response.json({ ...twoOffers, sessionId: `s-${pings}` });
        },
        post: () => Response.json({ error: { code, message: 'No such offers session' } }, { status }),
      });
      submitForm(element);
      await waitUntil(() => offersBlock(element), 'the offers render');
      offersBlock(element)?.querySelector<HTMLInputElement>('#lc-offer-o-1')?.click();
      await element.updateComplete;
      offersBlock(element)?.querySelector<HTMLButtonElement>('[data-tf-element-role="submit"]')?.click();
      await waitUntil(() => pings === 2, 'a second ping');
      await waitUntil(() => offersBlock(element)?.textContent?.includes('expired'), 'the consumer is told');
    });
  }

  it('says so when there is no match and the form falls back to a "no match" screen', async () => {
    const element = await mount({
      ping: () => Response.json({ sessionId: 's', willAccept: false, expiresAt: '', offers: [], fallback: 'no_match' }),
      post: () => Response.json({}),
    });
    submitForm(element);
    await waitUntil(() => element.shadowRoot?.querySelector('[part="no-match"]'), 'the no-match screen shows');
  });

  it('shows the agent and a tel: link after a call transfer', async () => {
    const element = await mount({
      ping: () => Response.json(twoOffers),
      post: () =>
        Response.json({
          leadId: 'lead-t',
          status: 'accepted',
          acceptedOffers: ['o-1'],
          transfer: { agentName: 'Sam', agentPhone: '+1 (415) 555-2671' },
        }),
    });
    submitForm(element);
    await waitUntil(() => offersBlock(element), 'the offers render');
    offersBlock(element)?.querySelector<HTMLInputElement>('#lc-offer-o-1')?.click();
    await element.updateComplete;
    offersBlock(element)?.querySelector<HTMLButtonElement>('[data-tf-element-role="submit"]')?.click();
    await waitUntil(() => element.shadowRoot?.querySelector('[part="transfer-phone"]'), 'the agent shows');
    expect(element.shadowRoot?.querySelector('[part="transfer-phone"]')?.getAttribute('href')).to.equal(
      'tel:+14155552671',
    );
  });
});

describe('<lead-capture> offers, choosing none', () => {
  it('enables submit once “none of these” is chosen, and posts no offer', async () => {
    const posts: RelayCall[] = [];
    const element = await mount({
      ping: () => Response.json(twoOffers),
      post: (call) => {
        posts.push(call);
        return Response.json({ leadId: 'lead-0', status: 'rejected', acceptedOffers: [] });
      },
    });
    submitForm(element);
    await waitUntil(() => offersBlock(element), 'the offers render');
    const block = offersBlock(element) as HTMLElement;
    const submit = block.querySelector<HTMLButtonElement>('[data-tf-element-role="submit"]');
    expect(submit?.disabled).to.equal(true);
    block.querySelector<HTMLInputElement>('.lc-none input')?.click();
    await element.updateComplete;
    expect(submit?.disabled).to.equal(false);
    submit?.click();
    await waitUntil(() => posts.length === 1, 'the post is sent');
    expect(posts[0]?.body).to.deep.include({ offerIds: [] });
  });

  it('has no axe violations on the no-match screen', async () => {
    const element = await mount({
      ping: () => Response.json({ sessionId: '', willAccept: false, expiresAt: '', offers: [], fallback: 'no_match' }),
      post: () => Response.json({}),
    });
    submitForm(element);
    await waitUntil(() => element.shadowRoot?.querySelector('[part="no-match"]'), 'the no-match screen shows');
    await expect(element).to.be.accessible();
  });
});

describe('<lead-capture> offers screen', () => {
  it('moves focus to the offers heading and keeps the form’s title and progress', async () => {
    const element = await mount({ ping: () => Response.json(twoOffers), post: () => Response.json({}) });
    submitForm(element);
    await waitUntil(() => offersBlock(element), 'the offers render');
    await waitUntil(() => document.activeElement?.id === 'lc-offers-title', 'focus on the offers heading');
    expect(element.shadowRoot?.querySelector('[part="title"]')?.textContent).to.equal('Solar quote');
    expect(element.shadowRoot?.querySelector('[part="progress"]')?.textContent).to.contain('Step 2 of 2');
  });

  it('shows a price in the locale’s currency, and none where the price is zero', async () => {
    const free = { ...offer('o-3', 'Free Co'), price: 0 };
    const element = await mount({
      ping: () => Response.json({ ...twoOffers, offers: [offer('o-1', 'Sunny Co'), free] }),
      post: () => Response.json({}),
    });
    submitForm(element);
    await waitUntil(() => offersBlock(element), 'the offers render');
    const [paid, unpaid] = [...(offersBlock(element)?.querySelectorAll('.lc-offer') ?? [])].map((o) => o.textContent);
    expect(paid).to.contain('£49.50');
    expect(unpaid).not.to.match(/£|\d\.\d\d/);
    element.locale = 'en-US';
    await element.updateComplete;
    expect(offersBlock(element)?.querySelector('.lc-offer')?.textContent).to.contain('$49.50');
  });

  it('separates the privacy policy from the terms', async () => {
    const element = await mount({ ping: () => Response.json(twoOffers), post: () => Response.json({}) });
    submitForm(element);
    await waitUntil(() => offersBlock(element), 'the offers render');
    const consent = offersBlock(element)?.querySelector('.lc-consent')?.textContent?.replace(/\s+/g, ' ');
    expect(consent).to.contain('Privacy policy · Terms');
  });

  it('goes back to change an answer, and a changed answer pings again', async () => {
    const pings: RelayCall[] = [];
    const element = await mount({
      ping: (call) => {
        pings.push(call);
        return Response.json(twoOffers);
      },
      post: () => Response.json({}),
    });
    submitForm(element);
    await waitUntil(() => offersBlock(element), 'the offers render');
    const back = [...(offersBlock(element)?.querySelectorAll('button') ?? [])].find((b) => b.type === 'button');
    expect(back?.textContent?.trim()).to.equal('Change my answers');
    back?.click();
    await waitUntil(() => element.shadowRoot?.querySelector('form'), 'the form is back');
    expect(offersBlock(element)).to.equal(null);
    const email = element.shadowRoot?.querySelector<HTMLInputElement>('#lc-email');
    expect(email?.value).to.equal('ada@example.com');
    if (email) {
      email.value = 'ada@lovelace.example';
      email.dispatchEvent(new Event('input'));
    }
    await element.updateComplete;
    submitForm(element);
    await waitUntil(() => pings.length === 2, 'a second ping');
    expect(pings[1]?.body).to.deep.include({ fields: { firstName: 'Ada', email: 'ada@lovelace.example' } });
  });
});
