import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import { UNCOVERED_ZIP } from '../../../demo/sandbox/leadexec/index.ts';
import { forms } from '../../../edge/forms/index.ts';
import { type FormConfig, type FormInput, parseForms } from '../../../edge/forms/schema.ts';
import { openSession, sealSession } from '../../../edge/ping-post/sessions.ts';
import { type PingResponse, pingResponseSchema, postResponseSchema } from '../../../shared/ping-post.ts';
import { admin, PAGE_ORIGIN, relay, testClientIp, withForm } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';

const simulator = sandbox.simulators.leadexec;
const defaults = { ...simulator.settings };
afterEach(() => {
  Object.assign(simulator.settings, defaults);
});

let people = 0;
/** A new person each time: the simulator remembers leads and refuses duplicates. */
function answers(overrides: Record<string, string> = {}) {
  people += 1;
  return {
    zip: '94107',
    ownsHome: 'Yes',
    electricBill: '101-200',
    firstName: 'Ada',
    lastName: `Lovelace${people}`,
    email: `ada.${people}.${Date.now()}@example.com`,
    phone: `(415) 555-${String(1000 + ((Date.now() + people) % 9000)).padStart(4, '0')}`,
    address: '1 Market St',
    city: 'San Francisco',
    state: 'CA',
    ...overrides,
  };
}

function post(path: string, body: unknown) {
  return relay(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PAGE_ORIGIN, 'cf-connecting-ip': testClientIp() },
    body: JSON.stringify(body),
  });
}

async function ping(fields = answers()) {
  const response = await post('/v1/forms/demo-leadexec/ping', { fields, context: { pageUrl: `${PAGE_ORIGIN}/solar` } });
  const json = await response.json();
  // A ping's answer keeps to the contract the widget reads it by.
  const body = (response.ok ? pingResponseSchema.parse(json) : json) as PingResponse;
  return { response, body, fields };
}

/** What the relay sealed into a session id, opened as the relay opens it. */
async function opened(sessionId: string) {
  const session = await openSession(env.CERTIFICATE_SECRET, sessionId);
  if (!session) throw new Error(`not a session this relay sealed: ${sessionId}`);
  return session;
}

function leadExecRequests(path: string) {
  return sandbox.state.receivedBy('leadexec').filter((r) => r.path === `/leadexec${path}`);
}

async function sha256(text: string) {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('POST /v1/forms/:formId/ping', () => {
  it('answers two offers with their consent texts and a sealed session, never the order id', async () => {
    const { response, body } = await ping();
    expect(response.status).toBe(200);
    expect(body.willAccept).toBe(true);
    expect(body.sessionId).toMatch(/^[\w-]+$/);
    expect(body.offers).toHaveLength(2);
    expect(body.offers[0]?.tcpa.text).toContain('Sunrise Solar Co may call and text me');
    const sent = JSON.parse(leadExecRequests('/v2/insert/ping')[0]?.body ?? '{}');
    // Only the ping fields go out: no name, email or phone before the consumer consents.
    expect(sent.leads[0].fields).toEqual({ Zip: '94107', State: 'CA', HomeOwner: 'Yes', ElectricBill: '101-200' });
    const answered = JSON.stringify(body);
    const session = await opened(body.sessionId);
    expect(session.orderId).toBeTruthy();
    expect(answered).not.toContain(session.orderId);
    expect(atob(body.sessionId.replaceAll('-', '+').replaceAll('_', '/'))).not.toContain(session.orderId);
    expect(session.offers.map((o) => o.tcpa.text)).toEqual(body.offers.map((o) => o.tcpa.text));
  });

  it('keeps only http(s) links from LeadExec, so no offer can carry a javascript: link', async () => {
    const offer = (id: string, url: string) => ({
      offerId: id,
      companyName: 'Shady Co',
      companyPhoneNumber: '',
      name: 'Offer',
      description: '',
      type: 'Monthly',
      price: 1,
      url,
      tcpaInformation: {
        customTCPATextRequired: false,
        tcpaText: '',
        privacyURL: 'javascript:alert(1)',
        termsURL: 'https://shady.example/terms',
      },
    });
    const answer = {
      requestId: 'r-1',
      results: [
        {
          willAccept: true,
          orderId: 'order-1',
          orderExpiresOn: new Date(Date.now() + 60_000).toISOString(),
          offers: [offer('o-1', 'javascript:alert(document.cookie)'), offer('o-2', 'https://shady.example/offer')],
        },
      ],
    };
    sandbox.state.addFault('leadexec', {
      fault: { kind: 'status', status: 200, body: JSON.stringify(answer) },
      times: 1,
    });
    const { body } = await ping();
    expect(body.offers.map((o) => o.url)).toEqual(['', 'https://shady.example/offer']);
    expect(body.offers.map((o) => o.tcpa.privacyUrl)).toEqual(['', '']);
    expect(body.offers[1]?.tcpa.termsUrl).toBe('https://shady.example/terms');
    expect(body.offers[0]?.tcpa.text).toContain('Shady Co may call');
  });

  it('names a seller whose name looks like a replacement pattern exactly as LeadExec gave it', async () => {
    const company = "Sun $& Co $' $1";
    const answer = {
      requestId: 'r-2',
      results: [
        {
          willAccept: true,
          orderId: 'order-2',
          orderExpiresOn: new Date(Date.now() + 60_000).toISOString(),
          offers: [
            {
              offerId: 'o-9',
              companyName: company,
              companyPhoneNumber: '555-0100',
              name: 'Offer',
              description: '',
              type: 'Monthly',
              price: 1,
              url: 'https://sun.example/offer',
              tcpaInformation: { customTCPATextRequired: false, tcpaText: '', privacyURL: '', termsURL: '' },
            },
          ],
        },
      ],
    };
    sandbox.state.addFault('leadexec', {
      fault: { kind: 'status', status: 200, body: JSON.stringify(answer) },
      times: 1,
    });
    const { body } = await ping();
    expect(body.offers[0]?.tcpa.text).toContain(`that ${company} may call`);
  });

  it('refuses a plain lead for a form whose fallback is a "no match" screen', async () => {
    const leadexecForm = demoForms.find((f) => f.id === 'demo-leadexec');
    const [noMatch] = parseForms([
      { ...leadexecForm, id: 'no-match-test', pingPost: { fallback: 'no_match', defaultConsentText: 'Call me.' } },
    ]);
    if (!noMatch) throw new Error('the test form did not parse');
    // The relay's forms are configuration; the test adds one for as long as it runs.
    const configured = forms as Map<string, FormConfig>;
    configured.set(noMatch.id, noMatch);
    try {
      const response = await post('/v1/forms/no-match-test/leads', { fields: answers(), consent: {} });
      expect(response.status).toBe(404);
      expect(sandbox.state.received).toHaveLength(0);
    } finally {
      configured.delete(noMatch.id);
    }
  });

  describe('with LeadExec’s duplicate check', () => {
    /** demo-leadexec with the duplicate check on, its email kept in a field named otherwise. */
    function dedupForm(options: Record<string, unknown> = {}) {
      const base = demoForms.find((f) => f.id === 'demo-leadexec') as FormInput | undefined;
      if (!base) throw new Error('no demo-leadexec');
      const [destination] = base.destinations as { provider: string; options: Record<string, unknown> }[];
      return {
        ...base,
        id: 'dedup-test',
        fields: base.fields.map((f) => (f.name === 'email' ? { ...f, name: 'contactEmail' } : f)),
        steps: (base.steps ?? []).map((st) => ({
          ...st,
          fields: st.fields.map((n) => (n === 'email' ? 'contactEmail' : n)),
        })),
        pingPost: { ...base.pingPost, duplicateCheck: true },
        destinations: [
          {
            ...destination,
            options: {
              ...destination?.options,
              fieldMap: { ...(destination?.options.fieldMap as object), Email: 'contactEmail' },
              ...options,
            },
          },
        ],
      };
    }

    function dedupPing(fields: Record<string, string>) {
      return post('/v1/forms/dedup-test/ping', { fields, context: { pageUrl: `${PAGE_ORIGIN}/solar` } });
    }

    function asked(fields: Record<string, string>) {
      const { email, ...rest } = fields;
      return { ...rest, contactEmail: email ?? '' };
    }

    it('asks with the campaign, and the email and phone under LeadExec’s names wherever the form keeps them', async () => {
      await withForm(dedupForm(), async () => {
        const fields = answers();
        const response = await dedupPing(asked(fields));
        expect(((await response.json()) as PingResponse).willAccept).toBe(true);
        const check = JSON.parse(leadExecRequests('/v2/duplicate/check')[0]?.body ?? '{}');
        expect(check.source).toEqual({ vid: 1001, aid: 3003, lid: 2002 });
        expect(check.leads[0].fields).toEqual({ Email: fields.email, Phone: expect.stringMatching(/^\+1415555/) });
      });
    });

    it('takes the form’s fallback for someone LeadExec already has, without pinging', async () => {
      await withForm(dedupForm(), async () => {
        const fields = answers();
        const first = await dedupPing(asked(fields));
        const { sessionId, offers } = (await first.json()) as PingResponse;
        const posted = await post(`/v1/forms/dedup-test/sessions/${sessionId}/post`, {
          fields: asked(fields),
          offerIds: [offers[0]?.offerId],
          consent: {},
        });
        expect(posted.status).toBeLessThan(300);
        const pings = leadExecRequests('/v2/insert/ping').length;
        const again = (await (await dedupPing(asked(fields))).json()) as PingResponse;
        expect(again).toMatchObject({ willAccept: false, offers: [], fallback: 'post' });
        expect(leadExecRequests('/v2/insert/ping')).toHaveLength(pings);
      });
    });

    it('takes the fallback, not a silent pass, when the check itself fails', async () => {
      await withForm(dedupForm(), async () => {
        sandbox.state.addFault('leadexec', {
          fault: {
            kind: 'status',
            status: 400,
            body: '{"requestId":"r","results":[{"success":false,"isDuplicate":false,"response":"System_ID_Missing"}]}',
          },
          times: 1,
        });
        const answer = (await (await dedupPing(asked(answers()))).json()) as PingResponse;
        expect(answer).toMatchObject({ willAccept: false, fallback: 'post' });
        expect(leadExecRequests('/v2/insert/ping')).toHaveLength(0);
      });
    });

    it('is refused at start-up without the campaign it needs', () => {
      const { aid: _, ...withoutAid } = (dedupForm().destinations[0]?.options ?? {}) as Record<string, unknown>;
      const form = { ...dedupForm(), destinations: [{ provider: 'leadexec', options: withoutAid }] };
      expect(() => parseForms([form])).toThrow(
        /pingPost\.duplicateCheck: the duplicate check needs the leadexec destination's aid/,
      );
    });
  });

  it('answers no offers with the form’s fallback for a ZIP nobody covers', async () => {
    const { body } = await ping(answers({ zip: UNCOVERED_ZIP }));
    expect(body).toMatchObject({ willAccept: false, offers: [], fallback: 'post' });
  });

  it('falls back when LeadExec takes longer than the form’s timeout', async () => {
    sandbox.state.addFault('leadexec', { fault: { kind: 'hang' }, times: 1 });
    const started = Date.now();
    const { body } = await ping();
    expect(body).toMatchObject({ willAccept: false, fallback: 'post' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses invalid answers before anything reaches LeadExec', async () => {
    const response = await post('/v1/forms/demo-leadexec/ping', { fields: { zip: '94107' } });
    expect(response.status).toBe(400);
    expect(leadExecRequests('/v2/insert/ping')).toHaveLength(0);
  });
});

describe('POST /v1/forms/:formId/sessions/:sessionId/post', () => {
  it('posts the order id and exactly the chosen offer, accepts it, and keeps the consent evidence', async () => {
    const { body: offers, fields } = await ping();
    const chosen = offers.offers[1]?.offerId ?? '';
    const response = await post(`/v1/forms/demo-leadexec/sessions/${offers.sessionId}/post`, {
      fields,
      offerIds: [chosen],
      consent: {},
      context: { pageUrl: `${PAGE_ORIGIN}/solar` },
    });
    expect(response.status).toBe(200);
    const answer = postResponseSchema.parse(await response.json());
    expect(answer).toMatchObject({ status: 'delivered', acceptedOffers: [chosen] });

    const session = await opened(offers.sessionId);
    const inserted = JSON.parse(leadExecRequests('/v2/insert/general')[0]?.body ?? '{}');
    expect(inserted.leads[0].properties).toMatchObject({
      orderId: session.orderId,
      offerIds: [chosen],
      reference: answer.leadId,
    });
    const accepts = sandbox.state.receivedBy('leadexec').filter((r) => r.method === 'PUT');
    expect(accepts.map((r) => r.path)).toEqual([expect.stringMatching(new RegExp(`/offers/${chosen}/accept$`))]);

    const lead = (await (await admin(`/leads/${answer.leadId}`)).json()) as {
      consentRecord: {
        phone: string;
        pageUrl: string;
        offers: { offerId: string; text: string; textSha256: string; chosen: boolean }[];
      };
    };
    const record = lead.consentRecord;
    expect(record.phone).toMatch(/^\+1415555\d{4}$/);
    expect(record.pageUrl).toBe(`${PAGE_ORIGIN}/solar`);
    expect(record.offers.map((o) => o.chosen)).toEqual([false, true]);
    for (const [i, shown] of offers.offers.entries()) {
      expect(record.offers[i]?.text).toBe(shown.tcpa.text);
      expect(record.offers[i]?.textSha256).toBe(await sha256(shown.tcpa.text));
    }
  });

  it('refuses a forged offer id with 400 naming offerIds, and nothing reaches LeadExec', async () => {
    const { body, fields } = await ping();
    const response = await post(`/v1/forms/demo-leadexec/sessions/${body.sessionId}/post`, {
      fields,
      offerIds: ['forged-offer'],
      consent: {},
    });
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { issues: { path: string }[] } }).error;
    expect(error.issues[0]?.path).toBe('offerIds');
    expect(leadExecRequests('/v2/insert/general')).toHaveLength(0);
  });

  it('answers the same post again with the same lead, and posts to LeadExec once', async () => {
    const { body, fields } = await ping();
    const request = { fields, offerIds: [body.offers[0]?.offerId], consent: {} };
    const first = await post(`/v1/forms/demo-leadexec/sessions/${body.sessionId}/post`, request);
    const again = await post(`/v1/forms/demo-leadexec/sessions/${body.sessionId}/post`, request);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { leadId: string }).leadId).toBe(
      ((await first.json()) as { leadId: string }).leadId,
    );
    expect(leadExecRequests('/v2/insert/general')).toHaveLength(1);
  });

  it('refuses a session posted twice with another choice with 409', async () => {
    const { body, fields } = await ping();
    const request = { fields, offerIds: [body.offers[0]?.offerId], consent: {} };
    expect((await post(`/v1/forms/demo-leadexec/sessions/${body.sessionId}/post`, request)).status).toBe(200);
    const again = await post(`/v1/forms/demo-leadexec/sessions/${body.sessionId}/post`, {
      ...request,
      offerIds: [body.offers[1]?.offerId],
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('session_used');
    expect(leadExecRequests('/v2/insert/general')).toHaveLength(1);
  });

  it('refuses an expired order with 410 order_expired', async () => {
    const { body, fields } = await ping();
    const session = await opened(body.sessionId);
    const expired = await sealSession(env.CERTIFICATE_SECRET, {
      ...session,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    const response = await post(`/v1/forms/demo-leadexec/sessions/${expired}/post`, {
      fields,
      offerIds: [body.offers[0]?.offerId],
      consent: {},
    });
    expect(response.status).toBe(410);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('order_expired');
    expect(leadExecRequests('/v2/insert/general')).toHaveLength(0);
  });

  it('refuses a session from another form with 404 session_not_found', async () => {
    const { body, fields } = await ping();
    const foreign = await sealSession(env.CERTIFICATE_SECRET, {
      ...(await opened(body.sessionId)),
      formId: 'demo-other',
    });
    const response = await post(`/v1/forms/demo-leadexec/sessions/${foreign}/post`, {
      fields,
      offerIds: [body.offers[0]?.offerId],
      consent: {},
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('session_not_found');
    expect(leadExecRequests('/v2/insert/general')).toHaveLength(0);
  });

  it('refuses a session id altered in any character, or sealed under another secret, with 404 session_not_found', async () => {
    const { body, fields } = await ping();
    const flip = (c: string) => (c === 'A' ? 'B' : 'A');
    // The last character of unpadded base64 may carry bits the decoder drops: the one before it does not.
    const altered = [0, 11, 20, body.sessionId.length - 2].map(
      (at) => `${body.sessionId.slice(0, at)}${flip(body.sessionId.charAt(at))}${body.sessionId.slice(at + 1)}`,
    );
    const foreign = await sealSession('another relay', await opened(body.sessionId));
    for (const sessionId of [...altered, foreign, body.sessionId.slice(0, 40), 'not.a.session']) {
      const response = await post(`/v1/forms/demo-leadexec/sessions/${sessionId}/post`, {
        fields,
        offerIds: [body.offers[0]?.offerId],
        consent: {},
      });
      expect(response.status, sessionId).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('session_not_found');
    }
    expect(leadExecRequests('/v2/insert/general')).toHaveLength(0);
  });

  it('refuses answers that changed since the ping', async () => {
    const { body, fields } = await ping();
    const response = await post(`/v1/forms/demo-leadexec/sessions/${body.sessionId}/post`, {
      fields: { ...fields, zip: '10001' },
      offerIds: [body.offers[0]?.offerId],
      consent: {},
    });
    expect(response.status).toBe(400);
    expect(leadExecRequests('/v2/insert/general')).toHaveLength(0);
  });

  it('stores the lead and queues it when LeadExec fails after the consumer consented', async () => {
    const { body, fields } = await ping();
    sandbox.state.addFault('leadexec', { fault: { kind: 'status', status: 503 }, times: 1 });
    const response = await post(`/v1/forms/demo-leadexec/sessions/${body.sessionId}/post`, {
      fields,
      offerIds: [body.offers[0]?.offerId],
      consent: {},
    });
    expect(response.status).toBe(202);
    const { leadId } = (await response.json()) as { leadId: string };
    const lead = (await (await admin(`/leads/${leadId}`)).json()) as {
      deliveries: { status: string; attempts: number }[];
    };
    expect(lead.deliveries[0]?.attempts).toBeGreaterThanOrEqual(1);
    expect(['retrying', 'delivered']).toContain(lead.deliveries[0]?.status);
  });

  it('keeps a lead delivered when marking its offer accepted fails', async () => {
    const { body, fields } = await ping();
    // The post goes through; the accept call after it hangs until the attempt's timeout.
    sandbox.state.addFault('leadexec', { fault: { kind: 'slow', ms: 0 }, times: 1 });
    sandbox.state.addFault('leadexec', { fault: { kind: 'hang' }, times: 1 });
    const response = await post(`/v1/forms/demo-leadexec/sessions/${body.sessionId}/post`, {
      fields,
      offerIds: [body.offers[0]?.offerId],
      consent: {},
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'delivered', acceptedOffers: [] });
    expect(leadExecRequests('/v2/insert/general')).toHaveLength(1);
  });

  it('keeps a consumer’s explicit “none of these” without posting to LeadExec', async () => {
    const { body, fields } = await ping();
    const response = await post(`/v1/forms/demo-leadexec/sessions/${body.sessionId}/post`, {
      fields,
      offerIds: [],
      consent: {},
    });
    expect(response.status).toBe(200);
    const { leadId } = (await response.json()) as { leadId: string };
    expect(leadExecRequests('/v2/insert/general')).toHaveLength(0);
    const lead = (await (await admin(`/leads/${leadId}`)).json()) as {
      consentRecord: { offers: { chosen: boolean }[] };
    };
    expect(lead.consentRecord.offers.every((o) => !o.chosen)).toBe(true);
  });

  it('answers 404 for a form without ping/post', async () => {
    const response = await post('/v1/forms/demo-takepayments/ping', { fields: {} });
    expect(response.status).toBe(404);
  });
});
