import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SANDBOX_SECRETS } from '../../../demo/sandbox/keys.ts';
import { apiErrorSchema } from '../../../shared/errors.ts';
import { admin, countInShards, PAGE_ORIGIN, postLead, relay, testClientIp } from '../helpers.ts';
import { sandbox } from '../sandbox.ts';
import { corpus, type HostileCase, ROUTES, seedSessions } from './corpus.ts';

/** Every secret the relay holds: the sandbox's values and whatever this run actually bound. */
const SECRETS = [
  ...new Set([
    ...Object.values(SANDBOX_SECRETS),
    ...Object.keys(SANDBOX_SECRETS).map((name) => String((env as unknown as Record<string, unknown>)[name] ?? '')),
  ]),
].filter((secret) => secret.length >= 8);

function secretsIn(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

function send(c: HostileCase, ip: string): Promise<Response> {
  const body = typeof c.body === 'function' ? c.body() : c.body;
  return relay(c.path, { method: c.method, headers: { 'cf-connecting-ip': ip, ...c.headers }, body });
}

async function leadCount(): Promise<number> {
  return countInShards('leads');
}

beforeEach(seedSessions);

describe('the hostile-traffic corpus', () => {
  it('holds at least 200 cases and covers every public route', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus.map((c) => c.route))).toEqual(new Set(ROUTES));
  });

  it.for(corpus.map((c) => ({ ...c, title: `${c.status}${c.code ? ` ${c.code}` : ''}` })))(
    '$route answers $title to $name',
    async (c) => {
      const ip = c.headers['cf-connecting-ip'] ?? testClientIp();
      const addressOf = (i: number) => c.addressOf?.(i) ?? ip;
      const warmUp = c.warmUp ?? 0;
      for (let i = 0; i < warmUp; i++) await (await send(c, addressOf(i))).body?.cancel();
      if (c.providerAnswer) {
        const { provider, body } = c.providerAnswer;
        sandbox.state.addFault(provider, { fault: { kind: 'status', status: 200, body }, times: 1 });
      }
      const before = await leadCount();

      const response = await send(c, addressOf(warmUp));
      const text = await response.text();

      expect(response.status, text).toBe(c.status);
      if (c.answer) expect(JSON.parse(text)).toMatchObject(c.answer);
      if (c.maxAnswerBytes) expect(new TextEncoder().encode(text).byteLength).toBeLessThanOrEqual(c.maxAnswerBytes);
      // JSON.stringify writes a lone surrogate as an escape: none may reach a client's parser.
      expect(text, 'the answer is text').not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
      if (c.code) {
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        const body = apiErrorSchema.parse(JSON.parse(text));
        expect(body.error.code).toBe(c.code);
      }
      if (c.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      if (c.route.includes('/v1/admin/') && response.ok) expect(response.headers.get('cache-control')).toBe('no-store');
      // CORS names only the caller's own origin, and only when the form allows it: never *, never a stranger.
      const allowOrigin = response.headers.get('access-control-allow-origin');
      if (allowOrigin !== null) {
        expect(allowOrigin).toBe(c.headers.origin);
        expect(allowOrigin).toMatch(/^http:\/\/(localhost|127\.0\.0\.1):\d+$/);
      }
      const everything = `${text}\n${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}`;
      expect(secretsIn(everything)).toEqual([]);

      expect(await leadCount(), 'no lead is stored').toBe(before);
      expect(
        sandbox.state.received.map((r) => r.provider),
        'no provider is called, but one whose answer is the case',
      ).toEqual(c.providerAnswer ? [c.providerAnswer.provider] : []);
    },
  );
});

describe('the built assets', () => {
  const built = import.meta.glob<string>('/dist/assets/*.{js,html}', { query: '?raw', import: 'default', eager: true });

  it('hold none of the configured secrets', () => {
    expect(Object.keys(built)).toContain('/dist/assets/widget.js');
    for (const [file, text] of Object.entries(built)) expect(secretsIn(text), file).toEqual([]);
  });
});

describe('injection strings that are answers, not code', () => {
  // Legitimate text in free-text fields: kept as written, and only ever sent through JSON
  // (TakePayments, CAP, the dialler's data) and URLSearchParams (Getlead), so it stays text.
  const company = `O'Brien & Sons <script>alert(1)</script>'); DROP TABLE leads;--`;
  const message =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of an injection, meant literally
    '{{7*7}} ${7*7} <!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;\r\nBcc: all@example.com\t"quoted"';
  const lastName = "O'Brien-Ñúñez 👩‍👩‍👧";

  it('are accepted, stored verbatim and reach every provider as the same text', async () => {
    const response = await postLead('demo-all', {
      fields: {
        firstName: 'Siobhan',
        lastName,
        email: "o'brien@example.com",
        phone: '07840 258823',
        company,
        postcode: 'SW1A 1AA',
        vehicle: 'Audi Q6 e-tron',
        message,
      },
      consent: { contact: true },
      context: { pageUrl: `${PAGE_ORIGIN}/?utm_source=%3Cscript%3E`, utm_source: '<script>' },
    });
    expect(response.status).toBe(202);
    const { leadId } = (await response.json()) as { leadId: string };

    const stored = (await (await admin(`/leads/${leadId}`)).json()) as { fields: Record<string, string> };
    expect(stored.fields).toMatchObject({ company, message, lastName });

    await vi.waitFor(
      () => {
        for (const provider of ['takepayments', 'dialler', 'cap', 'getlead']) {
          expect(sandbox.state.receivedBy(provider).length, provider).toBeGreaterThan(0);
        }
        expect(sandbox.state.receivedBy('getlead').length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 10_000, interval: 100 },
    );
    // Looked up by content, not position: only this test sends these strings.
    const bodies = (provider: string) => sandbox.state.receivedBy(provider).map((r) => JSON.parse(r.body));
    expect(bodies('takepayments')).toContainEqual(expect.objectContaining({ Company: company, Notes: message }));
    expect(bodies('cap')).toContainEqual(
      expect.objectContaining({
        contactDetail: expect.objectContaining({ lastName }),
        metadata: expect.objectContaining({ enquirySource: { acquisitionChannel: '<script>' } }),
      }),
    );
    expect(bodies('dialler').map((b) => JSON.parse(b.data))).toContainEqual(expect.objectContaining({ message }));
    const getlead = sandbox.state.receivedBy('getlead').map((r) => r.query);
    expect(getlead.map((q) => q.company_name)).toContain(company);
    expect(getlead.map((q) => q.note)).toContain(message);
  });
});
