/**
 * The bot defences a form can turn on (Turnstile and a minimum time to submit), checked through
 * `checkBotDefences`, the one function the lead and ping routes call, with test-only forms built
 * from the form schema (the demo forms use neither defence). Siteverify is answered here as
 * Cloudflare documents it, test secrets included.
 */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoForms } from '../../../demo/forms/index.ts';
import { ApiError } from '../../../edge/errors.ts';
import { parseForms } from '../../../edge/forms/schema.ts';
import { type BotEvidence, checkBotDefences } from '../../../edge/intake/checks.ts';
import { TURNSTILE_VERIFY_URL } from '../../../edge/security/turnstile.ts';
import { intercept } from '../sandbox.ts';

/** Cloudflare's documented test secrets. */
const ALWAYS_PASSES = '1x0000000000000000000000000000000AA';
const ALWAYS_FAILS = '2x0000000000000000000000000000000AA';
const ALREADY_SPENT = '3x0000000000000000000000000000000AA';
/** A real widget's secret, as far as this siteverify knows. */
const PRODUCTION_SECRET = '0x4AAAAAAAtestwidgetsecret';

const base = demoForms[0] as (typeof demoForms)[number];
const [turnstileForm, slowForm] = parseForms([
  { ...base, id: 'test-turnstile', turnstileSiteKey: '1x00000000000000000000AA' },
  { ...base, id: 'test-min-submit', minSubmitSeconds: 3 },
]);
if (!turnstileForm || !slowForm) throw new Error('test forms did not parse');

interface SiteverifyCall {
  secret: string | null;
  response: string | null;
  remoteip: string | null;
}

let calls: SiteverifyCall[];
/** Tokens our pretend widget issued, with the hostname each was solved on; spent once verified. */
let issued: Map<string, string>;
/** Siteverify having a bad day: what it answers instead, when set. */
let outage: (() => Promise<Response>) | undefined;

/** Siteverify as Cloudflare documents it: test secrets answer from the secret alone, flagged as such. */
function siteverify(form: URLSearchParams): object {
  const secret = form.get('secret');
  const token = form.get('response') ?? '';
  const testing = { metadata: { result_with_testing_key: true } };
  if (secret === ALWAYS_PASSES) return { success: true, hostname: 'example.com', 'error-codes': [], ...testing };
  if (secret === ALWAYS_FAILS) return { success: false, 'error-codes': ['invalid-input-response'], ...testing };
  if (secret === ALREADY_SPENT) return { success: false, 'error-codes': ['timeout-or-duplicate'], ...testing };
  if (secret !== PRODUCTION_SECRET) return { success: false, 'error-codes': ['invalid-input-secret'] };
  const hostname = issued.get(token);
  if (hostname === undefined) return { success: false, 'error-codes': ['timeout-or-duplicate'] };
  issued.delete(token);
  return { success: true, hostname, 'error-codes': [] };
}

beforeEach(() => {
  calls = [];
  issued = new Map();
  outage = undefined;
  intercept((request) => {
    if (request.url !== TURNSTILE_VERIFY_URL) return undefined;
    if (outage) return outage();
    return request.text().then((text) => {
      const form = new URLSearchParams(text);
      calls.push({ secret: form.get('secret'), response: form.get('response'), remoteip: form.get('remoteip') });
      return Response.json(siteverify(form));
    });
  });
});

function envWith(overrides: Partial<Env>): Env {
  return { ...env, ...overrides };
}

const evidence = (overrides: Partial<BotEvidence> = {}): BotEvidence => ({
  renderedAt: undefined,
  turnstileToken: 'XXXX.DUMMY.TOKEN.XXXX',
  ip: '203.0.113.7',
  origin: 'http://localhost:5173',
  ...overrides,
});

async function refusal(check: Promise<void>): Promise<string | undefined> {
  try {
    await check;
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    expect(error.status).toBe(403);
    return error.code;
  }
}

describe('Turnstile on a form with a site key', () => {
  it('passes with the always-passes test secret in development, sending the token and the client address', async () => {
    const development = envWith({ TURNSTILE_SECRET: ALWAYS_PASSES, ENVIRONMENT: 'development' });
    await checkBotDefences(development, turnstileForm, evidence());
    expect(calls).toEqual([{ secret: ALWAYS_PASSES, response: 'XXXX.DUMMY.TOKEN.XXXX', remoteip: '203.0.113.7' }]);
  });

  it('refuses with 403 bot_check_failed under the always-fails test secret', async () => {
    const development = envWith({ TURNSTILE_SECRET: ALWAYS_FAILS, ENVIRONMENT: 'development' });
    expect(await refusal(checkBotDefences(development, turnstileForm, evidence()))).toBe('bot_check_failed');
  });

  it('refuses a spent token, as the already-spent test secret answers', async () => {
    const development = envWith({ TURNSTILE_SECRET: ALREADY_SPENT, ENVIRONMENT: 'development' });
    expect(await refusal(checkBotDefences(development, turnstileForm, evidence()))).toBe('bot_check_failed');
  });

  it('never counts a test secret’s pass outside development', async () => {
    const production = envWith({ TURNSTILE_SECRET: ALWAYS_PASSES, ENVIRONMENT: 'production' });
    expect(await refusal(checkBotDefences(production, turnstileForm, evidence()))).toBe('bot_check_failed');
  });

  it('accepts a token once: the same token sent again is refused', async () => {
    const production = envWith({ TURNSTILE_SECRET: PRODUCTION_SECRET, ENVIRONMENT: 'production' });
    issued.set('token-1', 'localhost');
    await checkBotDefences(production, turnstileForm, evidence({ turnstileToken: 'token-1' }));
    expect(await refusal(checkBotDefences(production, turnstileForm, evidence({ turnstileToken: 'token-1' })))).toBe(
      'bot_check_failed',
    );
    expect(calls).toHaveLength(2);
  });

  it('refuses a token solved on another site', async () => {
    const production = envWith({ TURNSTILE_SECRET: PRODUCTION_SECRET, ENVIRONMENT: 'production' });
    issued.set('token-2', 'evil.example');
    expect(await refusal(checkBotDefences(production, turnstileForm, evidence({ turnstileToken: 'token-2' })))).toBe(
      'bot_check_failed',
    );
  });

  it('refuses a submission without a token, without asking siteverify', async () => {
    const development = envWith({ TURNSTILE_SECRET: ALWAYS_PASSES, ENVIRONMENT: 'development' });
    expect(await refusal(checkBotDefences(development, turnstileForm, evidence({ turnstileToken: undefined })))).toBe(
      'bot_check_failed',
    );
    expect(calls).toEqual([]);
  });

  it('fails closed when no Turnstile secret is configured', async () => {
    const unconfigured = envWith({ TURNSTILE_SECRET: '', ENVIRONMENT: 'development' });
    expect(await refusal(checkBotDefences(unconfigured, turnstileForm, evidence()))).toBe('bot_check_failed');
    expect(calls).toEqual([]);
  });

  it.for([
    ['a network error', () => Promise.reject(new TypeError('network connection lost'))],
    ['an error status', async () => new Response('bad gateway', { status: 502 })],
    ['an HTML page', async () => new Response('<html>challenge</html>', { headers: { 'content-type': 'text/html' } })],
    ['JSON null', async () => Response.json(null)],
    ['success as the string "true"', async () => Response.json({ success: 'true', hostname: 'localhost' })],
  ] as const)('fails closed when siteverify answers with %s', async ([, answer]) => {
    outage = answer;
    const production = envWith({ TURNSTILE_SECRET: PRODUCTION_SECRET, ENVIRONMENT: 'production' });
    expect(await refusal(checkBotDefences(production, turnstileForm, evidence()))).toBe('bot_check_failed');
  });
});

describe('a form with a minimum time to submit', () => {
  it('refuses with 403 bot_check_failed a submission sent a second after the form rendered', async () => {
    expect(await refusal(checkBotDefences(env, slowForm, evidence({ renderedAt: Date.now() - 1000 })))).toBe(
      'bot_check_failed',
    );
  });

  it('refuses a render time in the future', async () => {
    expect(await refusal(checkBotDefences(env, slowForm, evidence({ renderedAt: Date.now() + 60_000 })))).toBe(
      'bot_check_failed',
    );
  });

  it('accepts a submission sent after the minimum time', async () => {
    await checkBotDefences(env, slowForm, evidence({ renderedAt: Date.now() - 5000 }));
  });

  it('does not refuse a direct API client that sends no render time for that alone', async () => {
    await checkBotDefences(env, slowForm, evidence({ renderedAt: undefined }));
  });
});

describe('form configuration', () => {
  it('refuses Turnstile on a ping/post form, where no request carries a token', () => {
    const leadexec = demoForms.find((f) => f.id === 'demo-leadexec');
    expect(() => parseForms([{ ...leadexec, turnstileSiteKey: '1x00000000000000000000AA' }])).toThrow(
      /turnstileSiteKey: Turnstile is verified on POST \/leads only/,
    );
  });
});
