import { describe, expect, it } from 'vitest';
import { parseForms } from '../../../edge/forms/schema.ts';
import { adminLead, leadWhen, postLead, withForm } from '../helpers.ts';
import { LEADID_TOKEN, pingPostLead, TRUSTEDFORM_CERT_URL } from '../privacy/consented-leads.ts';
import { sandbox } from '../sandbox.ts';

interface AdminLead {
  status: string;
  context: Record<string, unknown>;
  deliveries: { status: string; lastError: string | null }[];
}

/** A LeadExec form whose destination takes both tokens, in `format`, unless `tokens` says otherwise. */
function tokenForm(options: Record<string, unknown> = {}) {
  return {
    id: 'tokens-test',
    title: 'Home insurance quotes',
    allowedOrigins: ['http://localhost:*'],
    fields: [
      { name: 'firstName', type: 'text', label: 'First name', required: true },
      { name: 'lastName', type: 'text', label: 'Last name', required: true },
      { name: 'email', type: 'email', label: 'Email', required: true },
      { name: 'phone', type: 'tel', label: 'Phone', required: true, country: 'US' },
      { name: 'zip', type: 'postcode', label: 'ZIP code', required: true },
      { name: 'note', type: 'text', label: 'Note', required: false },
    ],
    destinations: [
      {
        provider: 'leadexec',
        options: {
          vid: 1001,
          lid: 2010,
          consentTokenFields: { xxTrustedFormCertUrl: 'TrustedFormCertUrl', leadid_token: 'LeadiD' },
          ...options,
        },
      },
    ],
  };
}

function person(context: Record<string, unknown> = {}, note?: string) {
  const n = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
  return {
    fields: {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: `grace.${n}@example.com`,
      phone: `(212) ${200 + (n % 700)}-${String(n % 10_000).padStart(4, '0')}`,
      zip: '10001',
      ...(note === undefined ? {} : { note }),
    },
    context: { pageUrl: 'http://localhost:5173/home-insurance', ...context },
  };
}

const BOTH = { xxTrustedFormCertUrl: TRUSTEDFORM_CERT_URL, leadid_token: LEADID_TOKEN };

async function sent(formId: string, body: unknown): Promise<string> {
  const response = await postLead(formId, body);
  expect(response.status).toBe(202);
  return ((await response.json()) as { leadId: string }).leadId;
}

/** The insert LeadExec received for this lead (our lead id travels as its reference). */
function insertOf(leadId: string) {
  return sandbox.state
    .receivedBy('leadexec')
    .find((r) => r.path.endsWith('/v2/insert/general') && r.body.includes(leadId));
}

describe('consent tokens from the partner’s page', () => {
  it('are kept in the lead’s context', async () => {
    await withForm(tokenForm(), async () => {
      const leadId = await sent('tokens-test', person(BOTH));
      expect((await adminLead<AdminLead>(leadId)).context).toMatchObject(BOTH);
    });
  });

  it.each([
    [
      'a TrustedForm URL over http',
      { xxTrustedFormCertUrl: 'http://cert.trustedform.com/454a35b802f3e7b63ffabb4efedb7c6ebe67886c' },
    ],
    ['a URL on another host', { xxTrustedFormCertUrl: 'https://cert.trustedform.com.evil.example/454a35b8' }],
    ['a URL with a query', { xxTrustedFormCertUrl: `${TRUSTEDFORM_CERT_URL}?x=1` }],
    ['a LeadiD of the wrong shape', { leadid_token: 'not-a-leadid' }],
    ['a LeadiD too short', { leadid_token: LEADID_TOKEN.slice(0, -1) }],
  ])('are dropped, and the lead kept, when one is %s', async (_, context) => {
    await withForm(tokenForm(), async () => {
      const leadId = await sent('tokens-test', person(context));
      const lead = await leadWhen<AdminLead>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('delivered'));
      for (const key of Object.keys(context)) expect(lead.context).not.toHaveProperty(key);
      expect(insertOf(leadId)?.body).not.toContain(Object.values(context)[0]);
    });
  });

  it('go to LeadExec in the fields the destination names, as JSON', async () => {
    await withForm(tokenForm(), async () => {
      const leadId = await sent('tokens-test', person(BOTH));
      await leadWhen<AdminLead>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('delivered'));
      const fields = JSON.parse(insertOf(leadId)?.body ?? '{}').leads[0].fields;
      expect(fields).toMatchObject({ TrustedFormCertUrl: TRUSTEDFORM_CERT_URL, LeadiD: LEADID_TOKEN });
    });
  });

  it('go to LeadExec in the fields the destination names, as XML', async () => {
    await withForm(tokenForm({ format: 'xml' }), async () => {
      const leadId = await sent('tokens-test', person(BOTH));
      await leadWhen<AdminLead>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('delivered'));
      const body = insertOf(leadId)?.body ?? '';
      expect(body).toContain(`<TrustedFormCertUrl>${TRUSTEDFORM_CERT_URL}</TrustedFormCertUrl>`);
      expect(body).toContain(`<LeadiD>${LEADID_TOKEN}</LeadiD>`);
    });
  });

  it('go only where named: one token named, the other stays home', async () => {
    const options = { consentTokenFields: { leadid_token: 'JornayaLeadId' } };
    await withForm(tokenForm(options), async () => {
      const leadId = await sent('tokens-test', person(BOTH));
      await leadWhen<AdminLead>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('delivered'));
      const fields = JSON.parse(insertOf(leadId)?.body ?? '{}').leads[0].fields;
      expect(fields.JornayaLeadId).toBe(LEADID_TOKEN);
      expect(JSON.stringify(fields)).not.toContain(TRUSTEDFORM_CERT_URL);
    });
  });

  it('are not sent to a destination that names no field for them', async () => {
    const { consentTokenFields: _, ...withoutTokens } = tokenForm().destinations[0]?.options ?? {};
    await withForm({ ...tokenForm(), destinations: [{ provider: 'leadexec', options: withoutTokens }] }, async () => {
      const leadId = await sent('tokens-test', person(BOTH));
      await leadWhen<AdminLead>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('delivered'));
      const body = insertOf(leadId)?.body ?? '';
      expect(body).not.toContain(TRUSTEDFORM_CERT_URL);
      expect(body).not.toContain(LEADID_TOKEN);
    });
  });

  it('go with a ping/post lead’s post, not with its ping', async () => {
    const { leadId } = await pingPostLead({ context: BOTH });
    const requests = sandbox.state.receivedBy('leadexec');
    const post = requests.find((r) => r.path.endsWith('/v2/insert/general') && r.body.includes(leadId));
    expect(JSON.parse(post?.body ?? '{}').leads[0].fields).toMatchObject({
      TrustedFormCertUrl: TRUSTEDFORM_CERT_URL,
      LeadiD: LEADID_TOKEN,
    });
    const pings = requests.filter((r) => r.path.endsWith('/v2/insert/ping'));
    expect(pings.length).toBeGreaterThan(0);
    for (const ping of pings) expect(ping.body).not.toContain(LEADID_TOKEN);
  });

  it('may not name a field an answer already fills (the form is refused at start-up)', () => {
    const form = tokenForm({ consentTokenFields: { leadid_token: 'Email' } });
    expect(() => parseForms([form])).toThrow(
      /consentTokenFields\.leadid_token: "Email" already carries the form field "email"/,
    );
  });
});

describe('the LeadExec simulator', () => {
  it('refuses a consent-token field that holds something else, as a posting document would', async () => {
    // The simulator types LeadiD as a Jornaya LeadiD; a form that maps free text there is caught.
    await withForm(tokenForm({ fieldMap: { LeadiD: 'note' }, consentTokenFields: {} }), async () => {
      const leadId = await sent('tokens-test', person({}, 'call me after six'));
      const lead = await leadWhen<AdminLead>(leadId, (l) => expect(l.deliveries[0]?.status).toBe('rejected'));
      expect(lead.deliveries[0]?.lastError).toBe('Data_Errors: LeadiD is not a Jornaya LeadiD');
    });
  });
});
