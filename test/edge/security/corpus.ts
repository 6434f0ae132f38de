/**
 * The hostile-traffic corpus: requests a bot, a scanner or a curious attacker would send to every
 * public route, each with the one answer the relay must give. Every case is refused (or, for the
 * health check, the definitions, the honeypot and a retry of a stored lead, answered without
 * storing or sending anything), so none may reach a provider, but for the cases where the hostile
 * input is a provider's answer (`providerAnswer`); injection strings that are legitimate answers are
 * accepted and delivered, and are checked apart in corpus.test.ts.
 *
 * Ping sessions are sealed here as the relay seals them (see `SESSIONS`): a real one would need a
 * ping, and a ping reaches LeadExec. Their answers hash matches nothing a case sends, so even a post
 * that got past every other check could not reach LeadExec.
 */
import { env } from 'cloudflare:workers';
import { SANDBOX_SECRETS } from '../../../demo/sandbox/keys.ts';
import { app } from '../../../edge/app.ts';
import { type PingSession, sealSession } from '../../../edge/ping-post/sessions.ts';
import { canonicalHash } from '../../../edge/security/canonical-hash.ts';
import { shardForNew } from '../../../edge/storage/shards.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { PAGE_ORIGIN, validTakePaymentsLead } from '../helpers.ts';

/**
 * Every route the relay answers, from Hono's own list (so a new route without a case fails the
 * corpus), and the preflight every form route answers.
 */
export const ROUTES: readonly string[] = [
  ...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`)),
  'OPTIONS (preflight)',
];
export type Route = string;

export interface HostileCase {
  route: Route;
  /** What is sent, read after "answers … to". */
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** A function where the body is a stream, which can be read only once. */
  body?: string | Uint8Array | (() => ReadableStream<Uint8Array>);
  /** As many requests as this are sent first from the same address, to spend its rate limit. */
  warmUp?: number;
  /** The address of the i-th request (the warm-ups first), for a case that spreads them over several. */
  addressOf?: (i: number) => string;
  /** What a provider answers this case's request with: it reaches that provider, and only that one. */
  providerAnswer?: { provider: string; body: string };
  status: number;
  /** The error code, or null where the answer is not an error. */
  code: ErrorCode | null;
  /** What the answer's JSON must also hold, where status and code alone would not show the fix. */
  answer?: object;
  /** The most bytes the answer may have. */
  maxAnswerBytes?: number;
}

type Expect = [status: number, code: ErrorCode | null];

const JSON_TYPE = 'application/json';
const FOREIGN = 'https://evil.example';

/** A session that is open, one that expired and one that was already posted, all for demo-leadexec. */
const SESSION_IDS = {
  live: 'c0ffee00-0000-4000-8000-000000000001',
  expired: 'c0ffee00-0000-4000-8000-000000000002',
  used: 'c0ffee00-0000-4000-8000-000000000003',
} as const;
/** `id` made an id of the shard its key sends a lead to, as the relay's own would be. */
function inShardOf(key: string, id: string): { id: string; db: D1Database } {
  const shard = shardForNew(env, key);
  return { id: `${id.slice(0, 14)}8${shard.index.toString(16).padStart(3, '0')}${id.slice(18)}`, db: shard.db };
}
const USED_SESSION_LEAD = inShardOf(`demo-leadexec\u0000${SESSION_IDS.used}`, 'c0ffee00-0000-4000-8000-0000000000aa');
export const SESSION_OFFERS = ['offer-sunrise', 'offer-brightside'] as const;

function presentedOffer(offerId: string, companyName: string) {
  return {
    offerId,
    companyName,
    companyPhoneNumber: '+14155550100',
    name: 'Solar install',
    description: 'Rooftop solar',
    type: 'Standard',
    price: 0,
    url: 'https://installer.example',
    tcpa: { required: false, text: `${companyName} may call me.`, privacyUrl: '', termsUrl: '' },
    textSha256: '0'.repeat(64),
  };
}

function seededSession(id: string, expiresAt: number): PingSession {
  return {
    id,
    formId: 'demo-leadexec',
    destination: 0,
    orderId: 'order-seeded',
    offers: [
      presentedOffer(SESSION_OFFERS[0], 'Sunrise Solar Co'),
      presentedOffer(SESSION_OFFERS[1], 'Brightside Energy'),
    ],
    fieldsHash: 'f'.repeat(64),
    expiresAt: new Date(expiresAt).toISOString(),
    createdAt: new Date().toISOString(),
  };
}

/** Session ids as the relay hands them out: live for a day, expired, and one already posted (`seedSessions`). */
export const SESSIONS = {
  live: await sealSession(env.CERTIFICATE_SECRET, seededSession(SESSION_IDS.live, Date.now() + 86_400_000)),
  expired: await sealSession(env.CERTIFICATE_SECRET, seededSession(SESSION_IDS.expired, Date.now() - 60_000)),
  used: await sealSession(env.CERTIFICATE_SECRET, seededSession(SESSION_IDS.used, Date.now() + 86_400_000)),
} as const;

/** A demo-takepayments lead stored under this Idempotency-Key, with the relay's hash of `validTakePaymentsLead`. */
const IDEMPOTENCY_KEY = 'corpus-retry-1';
const KEYED_LEAD = inShardOf(`demo-takepayments\u0000${IDEMPOTENCY_KEY}`, 'c0ffee00-0000-4000-8000-0000000000bb');

/** The lead that answered the used session, and the lead the Idempotency-Key cases need. */
export async function seedSessions(): Promise<void> {
  const now = Date.now();
  const used = USED_SESSION_LEAD.db;
  await used.batch([
    used
      .prepare(
        `INSERT OR IGNORE INTO leads (id, form_id, status, fields, consent, context, body_hash, created_at, updated_at)
         VALUES (?, 'demo-leadexec', 'delivered', '{}', '{}', '{}', '', ?, ?)`,
      )
      .bind(USED_SESSION_LEAD.id, new Date(now).toISOString(), new Date(now).toISOString()),
    used
      .prepare(
        `INSERT OR IGNORE INTO consent_records (lead_id, session_id, order_id, form_id, texts_version, consented_at, offers)
         VALUES (?, ?, 'order-seeded', 'demo-leadexec', '00000000', ?, '[]')`,
      )
      .bind(USED_SESSION_LEAD.id, SESSION_IDS.used, new Date(now).toISOString()),
  ]);
  await KEYED_LEAD.db.batch([
    KEYED_LEAD.db
      .prepare(
        `INSERT OR IGNORE INTO leads (id, form_id, status, fields, consent, context, idempotency_key, body_hash, created_at, updated_at)
       VALUES (?, 'demo-takepayments', 'accepted', '{}', '{}', '{}', ?, ?, ?, ?)`,
      )
      .bind(
        KEYED_LEAD.id,
        IDEMPOTENCY_KEY,
        canonicalHash(validTakePaymentsLead),
        new Date(now).toISOString(),
        new Date(now).toISOString(),
      ),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Valid bodies the cases spoil one way each

const tp = validTakePaymentsLead;

/** demo-takepayments' valid lead with some fields replaced. */
function tpWith(fields: Record<string, unknown>): unknown {
  return { ...tp, fields: { ...tp.fields, ...fields } };
}

const solarFields = {
  zip: '94107',
  ownsHome: 'Yes',
  electricBill: '101-200',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: '(415) 555-0134',
  address: '1 Market St',
  city: 'San Francisco',
  state: 'CA',
};

function solarWith(fields: Record<string, unknown>): Record<string, unknown> {
  return { ...solarFields, ...fields };
}

const contact = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '07840 258823' };
const otherForms: Record<string, unknown> = {
  'demo-dialler': {
    fields: { ...contact, service: 'Full valet', postcode: 'SW1A 1AA' },
    consent: { contact: true },
  },
  'demo-cap': { fields: { ...contact, postcode: 'SW1A 1AA', vehicle: 'Audi Q4 e-tron' }, consent: {} },
  'demo-getlead': { fields: { ...contact, purpose: 'Both' }, consent: { contact: true } },
  'demo-all': { fields: { ...contact, postcode: 'SW1A 1AA', vehicle: 'Audi Q6 e-tron' }, consent: { contact: true } },
};

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

// ---------------------------------------------------------------------------------------------
// Builders

const cases: HostileCase[] = [];

type CaseOptions = Partial<Pick<HostileCase, 'warmUp' | 'addressOf' | 'providerAnswer' | 'answer' | 'maxAnswerBytes'>>;

function add(
  route: Route,
  name: string,
  request: Pick<HostileCase, 'method' | 'path'> & Partial<Pick<HostileCase, 'headers' | 'body'>> & CaseOptions,
  [status, code]: Expect,
): void {
  cases.push({ route, name, headers: {}, ...request, status, code });
}

interface PostOptions extends CaseOptions {
  headers?: Record<string, string>;
  /** Sent as it is; anything else is sent as JSON. */
  raw?: string | Uint8Array | (() => ReadableStream<Uint8Array>);
}

function jsonPost(
  route: Route,
  path: string,
  name: string,
  body: unknown,
  expect: Expect,
  { headers, raw, ...options }: PostOptions = {},
) {
  add(
    route,
    name,
    {
      method: 'POST',
      path,
      headers: { 'content-type': JSON_TYPE, origin: PAGE_ORIGIN, ...headers },
      body: raw ?? JSON.stringify(body),
      ...options,
    },
    expect,
  );
}

const lead = (name: string, body: unknown, expect: Expect, options?: PostOptions & { form?: string }) =>
  jsonPost(
    'POST /v1/forms/:formId/leads',
    `/v1/forms/${options?.form ?? 'demo-takepayments'}/leads`,
    name,
    body,
    expect,
    options,
  );

const ping = (name: string, body: unknown, expect: Expect, options?: PostOptions & { form?: string }) =>
  jsonPost(
    'POST /v1/forms/:formId/ping',
    `/v1/forms/${options?.form ?? 'demo-leadexec'}/ping`,
    name,
    body,
    expect,
    options,
  );

const sessionPost = (
  name: string,
  body: unknown,
  expect: Expect,
  options?: PostOptions & { form?: string; session?: string },
) =>
  jsonPost(
    'POST /v1/forms/:formId/sessions/:sessionId/post',
    `/v1/forms/${options?.form ?? 'demo-leadexec'}/sessions/${options?.session ?? SESSIONS.live}/post`,
    name,
    body,
    expect,
    options,
  );

const bad = (code: ErrorCode): Expect => {
  const statuses: Partial<Record<ErrorCode, number>> = {
    invalid_json: 400,
    validation_failed: 400,
    unauthorized: 401,
    origin_not_allowed: 403,
    bot_check_failed: 403,
    form_not_found: 404,
    lead_not_found: 404,
    session_not_found: 404,
    not_found: 404,
    idempotency_conflict: 409,
    session_used: 409,
    order_expired: 410,
    payload_too_large: 413,
    unsupported_media_type: 415,
    rate_limited: 429,
  };
  return [statuses[code] ?? 0, code];
};
const OK: Expect = [200, null];

const oversized = `{"pad":"${'x'.repeat(33 * 1024)}"}`;
const exactlyOverLimit = `{"pad":"${'x'.repeat(32 * 1024 - 10 + 1)}"}`;
const deepArrays = `${'['.repeat(5000)}${']'.repeat(5000)}`;

function streamOf(bytes: number): () => ReadableStream<Uint8Array> {
  return () =>
    new ReadableStream({
      start(controller) {
        const chunk = new TextEncoder().encode('x'.repeat(4096));
        for (let sent = 0; sent < bytes; sent += chunk.byteLength) controller.enqueue(chunk);
        controller.close();
      },
    });
}

// ---------------------------------------------------------------------------------------------
// GET /v1/health: public, takes no input, so whatever comes with it changes nothing.

const health = (name: string, init: Partial<HostileCase> & { method?: string; path?: string }, expect: Expect) =>
  add('GET /v1/health', name, { method: 'GET', path: '/v1/health', ...init }, expect);

health('a script tag in the query string', { path: '/v1/health?q=%3Cscript%3Ealert(1)%3C/script%3E' }, OK);
health('SQL in the query string', { path: "/v1/health?id=1'%20OR%20'1'='1" }, OK);
health('8 KB of query string', { path: `/v1/health?pad=${'a'.repeat(8192)}` }, OK);
health('a foreign Origin', { headers: { origin: FOREIGN } }, OK);
health('a forged admin token', { headers: { authorization: 'Bearer forged' } }, OK);
health(
  'a forged X-Forwarded-For and Host',
  { headers: { 'x-forwarded-for': '127.0.0.1', host: 'admin.internal' } },
  OK,
);
health('a HEAD request', { method: 'HEAD' }, OK);
health(
  'a POST with a JSON body',
  { method: 'POST', headers: { 'content-type': JSON_TYPE }, body: '{}' },
  bad('not_found'),
);
health('a PUT', { method: 'PUT', body: 'x' }, bad('not_found'));
health('a DELETE', { method: 'DELETE' }, bad('not_found'));
health('a NUL byte after the path', { path: '/v1/health%00' }, bad('not_found'));
health('a dot-dot path from health to the admin list, without a token', { path: '/v1/health/%2e%2e/admin/leads' }, [
  401,
  'unauthorized',
]);

// ---------------------------------------------------------------------------------------------
// GET /v1/forms/:formId

const definition = (name: string, formId: string, headers: Record<string, string>, expect: Expect, method = 'GET') =>
  add('GET /v1/forms/:formId', name, { method, path: `/v1/forms/${formId}`, headers }, expect);

for (const [name, id] of [
  ['an unknown form', 'no-such-form'],
  ['the form id __proto__', '__proto__'],
  ['the form id constructor', 'constructor'],
  ['the form id prototype', 'prototype'],
  ['the form id hasOwnProperty', 'hasOwnProperty'],
  ['a form id with SQL', "demo-takepayments'%20OR%20'1'='1"],
  ['a form id with a script tag', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ['a form id with a template expression', '%7B%7B7*7%7D%7D'],
  ['a form id with a JavaScript template expression', '%24%7B7*7%7D'],
  ['an encoded dot-dot form id', '..%2F..%2Fadmin%2Fleads'],
  ['a form id in capitals', 'DEMO-TAKEPAYMENTS'],
  ['a form id with a trailing NUL', 'demo-takepayments%00'],
  ['a form id with a trailing space', 'demo-takepayments%20'],
  ['a form id with a zero-width space', 'demo-take%E2%80%8Bpayments'],
  ['a form id with a Cyrillic о', 'dem%D0%BE-takepayments'],
  ['a form id with CRLF and a header', 'demo%0D%0ASet-Cookie:%20a=1'],
  ['a 2000-character form id', 'a'.repeat(2000)],
] as const) {
  definition(name, id, { origin: PAGE_ORIGIN }, bad('form_not_found'));
}

for (const [name, origin] of [
  ['a foreign origin', FOREIGN],
  ['the origin null (a sandboxed frame or file)', 'null'],
  ['a look-alike host under another domain', 'http://localhost.evil.example:5173'],
  ['the local host over https, which is not allowed', 'https://localhost:5173'],
  ['an origin with a trailing slash', `${PAGE_ORIGIN}/`],
  ['an origin with a path', `${PAGE_ORIGIN}/page`],
  ['an origin in capitals', 'http://LOCALHOST:5173'],
  ['an origin with credentials', 'http://user:pass@localhost:5173'],
  ['an origin of a wildcard DNS name for 127.0.0.1', 'http://127.0.0.1.nip.io:5173'],
  ['an origin of 127.0.0.1 written as one number', 'http://2130706433:5173'],
  ['an origin of the IPv6 loopback', 'http://[::1]:5173'],
  ['two origins in one header', `${PAGE_ORIGIN}, ${FOREIGN}`],
  ['a javascript: origin', 'javascript:alert(1)'],
  ['an origin with an impossible port', 'http://localhost:99999'],
] as const) {
  definition(name, 'demo-takepayments', { origin }, bad('origin_not_allowed'));
}
definition('a POST from a foreign origin', 'demo-takepayments', { origin: FOREIGN }, bad('origin_not_allowed'), 'POST');
definition('a POST from an allowed origin', 'demo-takepayments', { origin: PAGE_ORIGIN }, bad('not_found'), 'POST');
definition('a DELETE from an allowed origin', 'demo-takepayments', { origin: PAGE_ORIGIN }, bad('not_found'), 'DELETE');
// The public definitions: read by anyone, so the corpus test scans them for secrets.
for (const formId of ['demo-takepayments', 'demo-dialler', 'demo-cap', 'demo-getlead', 'demo-leadexec', 'demo-all']) {
  definition(
    `${formId} with a JSONP callback and __proto__ in the query`,
    `${formId}?callback=alert&__proto__[admin]=1`,
    {
      origin: PAGE_ORIGIN,
    },
    OK,
  );
}
definition(
  'a server-side read with a forged admin token',
  'demo-all',
  { authorization: `Bearer ${'x'.repeat(19)}` },
  OK,
);

// ---------------------------------------------------------------------------------------------
// OPTIONS preflights

const preflight = (name: string, path: string, headers: Record<string, string>, expect: Expect) =>
  add(
    'OPTIONS (preflight)',
    name,
    { method: 'OPTIONS', path, headers: { 'access-control-request-method': 'POST', ...headers } },
    expect,
  );

preflight(
  'a lead preflight from a foreign origin',
  '/v1/forms/demo-takepayments/leads',
  { origin: FOREIGN },
  bad('origin_not_allowed'),
);
preflight(
  'a lead preflight from the origin null',
  '/v1/forms/demo-takepayments/leads',
  { origin: 'null' },
  bad('origin_not_allowed'),
);
preflight('a lead preflight with no origin', '/v1/forms/demo-takepayments/leads', {}, bad('origin_not_allowed'));
preflight(
  'a lead preflight from a look-alike host',
  '/v1/forms/demo-all/leads',
  { origin: 'http://localhost.evil.example' },
  bad('origin_not_allowed'),
);
preflight(
  'a lead preflight for an unknown form',
  '/v1/forms/no-such-form/leads',
  { origin: PAGE_ORIGIN },
  bad('form_not_found'),
);
preflight(
  'a lead preflight for the form __proto__',
  '/v1/forms/__proto__/leads',
  { origin: PAGE_ORIGIN },
  bad('form_not_found'),
);
preflight(
  'a ping preflight from a foreign origin',
  '/v1/forms/demo-leadexec/ping',
  { origin: FOREIGN },
  bad('origin_not_allowed'),
);
preflight(
  'a post preflight from a foreign origin',
  `/v1/forms/demo-leadexec/sessions/${SESSIONS.live}/post`,
  { origin: FOREIGN },
  bad('origin_not_allowed'),
);
preflight(
  'a definition preflight from a foreign origin',
  '/v1/forms/demo-cap',
  { origin: FOREIGN },
  bad('origin_not_allowed'),
);
preflight('an admin preflight from a foreign origin', '/v1/admin/leads', { origin: FOREIGN }, bad('unauthorized'));
preflight('a health preflight from a foreign origin', '/v1/health', { origin: FOREIGN }, bad('not_found'));
// Allowed origins get 204 whatever they ask for; the answer lists only what the relay allows.
preflight(
  'a lead preflight asking to send Authorization',
  '/v1/forms/demo-getlead/leads',
  {
    origin: PAGE_ORIGIN,
    'access-control-request-headers': 'authorization, x-admin',
  },
  [204, null],
);
preflight(
  'a lead preflight asking for DELETE',
  '/v1/forms/demo-dialler/leads',
  {
    origin: 'http://127.0.0.1:4000',
    'access-control-request-method': 'DELETE',
  },
  [204, null],
);

// ---------------------------------------------------------------------------------------------
// POST /v1/forms/:formId/leads: content type, size, JSON

for (const [name, type] of [
  ['no content type', undefined],
  ['text/plain (a CORS simple request, no preflight)', 'text/plain'],
  ['a urlencoded form', 'application/x-www-form-urlencoded'],
  ['multipart form data', 'multipart/form-data; boundary=x'],
  ['XML', 'application/xml'],
  ['text/json', 'text/json'],
  ['application/json-seq', 'application/json-seq'],
  ['application/jsonx', 'application/jsonx'],
  ['a list of two types', 'application/json, text/plain'],
] as const) {
  const headers: Record<string, string> = { origin: PAGE_ORIGIN };
  if (type) headers['content-type'] = type;
  add(
    'POST /v1/forms/:formId/leads',
    `a valid lead sent as ${name}`,
    {
      method: 'POST',
      path: '/v1/forms/demo-takepayments/leads',
      headers,
      body: JSON.stringify(tp),
    },
    bad('unsupported_media_type'),
  );
}
lead('an XML body with an external entity', null, bad('unsupported_media_type'), {
  headers: { 'content-type': 'application/xml' },
  raw: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><lead>&e;</lead>',
});

for (const [name, raw] of [
  ['an empty body', ''],
  ['an unclosed object', '{"fields": '],
  ['a missing value', '{"fields":}'],
  ['a trailing comma', '{"fields":{"firstName":"Ada",}}'],
  ['single quotes', "{'fields':{}}"],
  ['NaN', '{"fields":{"firstName":NaN}}'],
  ['a comment', '{/* hi */"fields":{}}'],
  ['the word undefined', 'undefined'],
  ['two JSON documents', '{"fields":{}}{"fields":{}}'],
  ['a JSON string cut in half', '{"fields":{"firstName":"Ad'],
  ['JavaScript instead of JSON', '({fields: {}})'],
] as const) {
  lead(name, null, bad('invalid_json'), { raw });
}
lead('bytes that are not UTF-8', null, bad('invalid_json'), {
  raw: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
});
lead('JSON encoded as UTF-16', null, bad('invalid_json'), {
  raw: new Uint8Array([...'{"fields":{}}'].flatMap((ch) => [ch.charCodeAt(0), 0])),
});
lead('a body over 32 KiB', null, bad('payload_too_large'), { raw: oversized });
lead('a body one byte over 32 KiB', null, bad('payload_too_large'), { raw: exactlyOverLimit });
lead('a body streamed without a length, over 32 KiB', null, bad('payload_too_large'), { raw: streamOf(40 * 1024) });
lead('a 1 MiB body streamed without a length', null, bad('payload_too_large'), { raw: streamOf(1024 * 1024) });
lead('a Content-Length of 10 MB', null, bad('payload_too_large'), {
  raw: JSON.stringify(tp),
  headers: { 'content-length': String(10 * 1024 * 1024) },
});
lead('5000 nested arrays', null, bad('invalid_json'), { raw: deepArrays });
lead('a context nested 9 deep', { ...tp, context: nested(9) }, bad('invalid_json'));
lead('an answer nested 20 deep', tpWith({ firstName: nested(20) }), bad('invalid_json'));

// Not an object, or not the right one
for (const [name, body] of [
  ['null', null],
  ['a number', 42],
  ['a string', 'lead'],
  ['an array', [tp]],
  ['true', true],
  ['an empty object', {}],
  ['fields as an array', { ...tp, fields: [tp.fields] }],
  ['fields as a string', { ...tp, fields: 'firstName=Ada' }],
  ['fields as null', { ...tp, fields: null }],
  ['consent as an array', { ...tp, consent: ['contact'] }],
  ['consent as the string "true"', { ...tp, consent: { contact: 'true' } }],
  ['consent as 1', { ...tp, consent: { contact: 1 } }],
  ['context as a string', { ...tp, context: 'google' }],
  ['renderedAt as a string', { ...tp, context: { renderedAt: 'yesterday' } }],
  ['a turnstileToken that is a number', { ...tp, turnstileToken: 12345 }],
  ['a honeypot that is an object', { ...tp, website: { url: 'x' } }],
  ['a first name that is a number', tpWith({ firstName: 42 })],
  ['a first name that is an array', tpWith({ firstName: ['Ada', 'Grace'] })],
  ['a first name that is an object', tpWith({ firstName: { $ne: null } })],
  ['a first name that is true', tpWith({ firstName: true })],
  ['an email that is null', tpWith({ email: null })],
  ['an industry that is a list of every option', tpWith({ industry: ['Retail', 'Trades'] })],
] as const) {
  lead(name, body, bad('validation_failed'));
}

// Missing and extra
for (const [name, body] of [
  ['no fields', { consent: { contact: true } }],
  ['no email', { ...tp, fields: { firstName: 'Ada', lastName: 'Lovelace' } }],
  ['no consent', { fields: tp.fields }],
  ['the required consent refused', { ...tp, consent: { contact: false } }],
  ['an unknown field', tpWith({ isAdmin: 'true' })],
  ['an unknown top-level key', { ...tp, admin: true }],
  ['a status the client chose', { ...tp, status: 'delivered' }],
  ['a destination the client chose', { ...tp, destinations: [{ provider: 'getlead' }] }],
  ['an unknown context key', { ...tp, context: { ip: '127.0.0.1' } }],
  ['an unknown consent', { ...tp, consent: { contact: true, sellMyData: true } }],
  ['a field named with a script tag', tpWith({ '<img src=x onerror=alert(1)>': 'x' })],
  ['a consent named with SQL', { ...tp, consent: { contact: true, "contact' OR '1'='1": true } }],
] as const) {
  lead(name, body, bad('validation_failed'));
}

// Huge and empty
for (const [name, fields] of [
  ['a 201-character first name', { firstName: 'a'.repeat(201) }],
  ['a 30,000-character first name', { firstName: 'a'.repeat(30_000) }],
  ['a 2001-character message', { message: 'm'.repeat(2001) }],
  ['a 300-character email', { email: `${'a'.repeat(288)}@example.com` }],
  ['an 11-character postcode', { postcode: 'SW1A 1AA 12' }],
  ['an empty first name', { firstName: '' }],
  ['a first name of spaces and tabs', { firstName: ' \t  ' }],
  ['an empty email', { email: '' }],
  ['201 characters of "é" written as e + accent, over the limit after NFC', { firstName: 'e\u0301'.repeat(201) }],
] as const) {
  lead(name, tpWith(fields), bad('validation_failed'));
}
lead('a 2049-character Turnstile token', { ...tp, turnstileToken: 't'.repeat(2049) }, bad('validation_failed'));
lead(
  'a 2001-character page URL',
  { ...tp, context: { pageUrl: `http://localhost/${'p'.repeat(1990)}` } },
  bad('validation_failed'),
);
lead('a 201-character Idempotency-Key', tp, bad('validation_failed'), {
  headers: { 'idempotency-key': 'k'.repeat(201) },
});
lead('an Idempotency-Key with spaces', tp, bad('validation_failed'), { headers: { 'idempotency-key': 'key one' } });
lead('an Idempotency-Key with a tab inside', tp, bad('validation_failed'), {
  headers: { 'idempotency-key': 'key\tone' },
});

// Unicode tricks
for (const [name, fields] of [
  ['a right-to-left override in the last name', { lastName: 'Lovelace\u202Egnp.exe' }],
  ['a left-to-right override in the first name', { firstName: '\u202DAda' }],
  ['a right-to-left isolate in the company', { company: 'Engines \u2067Ltd\u2069' }],
  ['a bidi override in the message', { message: 'Please call\u202E 0202 nepO' }],
  ['a zero-width space in the first name', { firstName: 'A\u200Bda' }],
  ['a first name of only a zero-width space', { firstName: '\u200B' }],
  ['a word joiner in the last name', { lastName: 'Love\u2060lace' }],
  ['a BOM inside the company', { company: 'Analytical\uFEFFEngines' }],
  ['a Unicode line separator in the first name', { firstName: 'Ada\u2028Bcc: x' }],
  ['a paragraph separator in the message', { message: 'one\u2029two' }],
  ['a lone surrogate in the first name', { firstName: 'Ada\uD800' }],
  ['a NUL in the first name', { firstName: 'Ada\u0000' }],
  ['an ANSI escape in the last name', { lastName: '\u001B[31mLovelace' }],
  ['a NEL control in the company', { company: 'Analytical\u0085Engines' }],
  ['a vertical tab in the message', { message: 'one\u000Btwo' }],
  ['an email with a Cyrillic а', { email: '\u0430da@example.com' }],
  ['an email with a Greek ο in the domain', { email: 'ada@ex\u03BFmple.com' }],
  ['an email with a fullwidth @', { email: 'ada\uFF20example.com' }],
  ['an email with a zero-width space', { email: 'ada\u200B@example.com' }],
  ['an email with a right-to-left override', { email: 'ada@\u202Emoc.elpmaxe' }],
  ['an email with a Unicode domain', { email: 'ada@exämple.com' }],
  ['a postcode in fullwidth digits', { postcode: 'ＳＷ１Ａ １ＡＡ' }],
  ['an industry with a trailing zero-width space', { industry: 'Retail\u200B' }],
] as const) {
  lead(name, tpWith(fields), bad('validation_failed'));
}

// Injection strings where the answer is checked against a format or a list
for (const [name, fields] of [
  ['SQL in the email', { email: "ada@example.com' OR '1'='1" }],
  ['SQL in the industry', { industry: "Retail'; DROP TABLE leads;--" }],
  ['a CRLF header injection in the email', { email: 'ada@example.com\r\nBcc: all@example.com' }],
  ['a CRLF header injection in the first name', { firstName: 'Ada\r\nX-Injected: 1' }],
  ['a lone LF in the company', { company: 'Analytical\nEngines' }],
  ['a script tag in the email', { email: '<script>alert(1)</script>@example.com' }],
  ['an XML external entity in the postcode', { postcode: '<!ENTITY e SYSTEM "file:///etc/passwd">' }],
  ['a CDATA section in the industry', { industry: '<![CDATA[Retail]]>' }],
  ['a template expression in the postcode', { postcode: '{{7*7}}' }],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of an injection, meant literally
  ['a JavaScript template expression in the industry', { industry: '${7*7}' }],
  ['a shell substitution in the postcode', { postcode: '$(reboot)' }],
  ['a URL-encoded CRLF in the postcode', { postcode: 'SW1A%0D%0A1AA' }],
  ['a NoSQL operator in the industry', { industry: '{"$gt": ""}' }],
] as const) {
  lead(name, tpWith(fields), bad('validation_failed'));
}

// Prototype-pollution keys, in the raw text because JSON.stringify would drop __proto__
const tpText = JSON.stringify(tp);
for (const [name, raw] of [
  ['__proto__ at the top', `{"__proto__":{"admin":true},${tpText.slice(1)}`],
  ['__proto__ in fields', tpText.replace('"fields":{', '"fields":{"__proto__":{"isAdmin":true},')],
  ['__proto__ in consent', tpText.replace('"consent":{', '"consent":{"__proto__":{"contact":true},')],
  ['__proto__ in context', tpText.replace('"context":{', '"context":{"__proto__":{"pageUrl":"x"},')],
  ['__proto__ written with escapes', tpText.replace('"fields":{', '"fields":{"\\u005f\\u005fproto\\u005f\\u005f":{},')],
  ['constructor at the top', `{"constructor":{"prototype":{"admin":true}},${tpText.slice(1)}`],
  ['constructor in fields', tpText.replace('"fields":{', '"fields":{"constructor":"x",')],
  ['prototype in consent', tpText.replace('"consent":{', '"consent":{"prototype":true,')],
  ['__proto__ inside an array', `{"x":[{"__proto__":{}}],${tpText.slice(1)}`],
] as const) {
  lead(name, null, bad('validation_failed'), { raw });
}

// Origins and forms
lead('a lead from a foreign origin', tp, bad('origin_not_allowed'), { headers: { origin: FOREIGN } });
lead('a lead with no Origin (curl, a server)', tp, bad('origin_not_allowed'), { headers: { origin: '' } });
lead('a lead from the origin null', tp, bad('origin_not_allowed'), { headers: { origin: 'null' } });
lead('a lead from a look-alike host', tp, bad('origin_not_allowed'), {
  headers: { origin: 'http://localhost.evil.example' },
});
lead('a lead from a foreign origin with a Referer from an allowed one', tp, bad('origin_not_allowed'), {
  headers: { origin: FOREIGN, referer: `${PAGE_ORIGIN}/quote` },
});
lead('a lead for an unknown form', tp, bad('form_not_found'), { form: 'no-such-form' });
lead('a lead for the form __proto__', tp, bad('form_not_found'), { form: '__proto__' });
lead('a lead for the form constructor', tp, bad('form_not_found'), { form: 'constructor' });

// The other forms
for (const [formId, valid] of Object.entries(otherForms)) {
  const body = valid as { fields: Record<string, unknown>; consent: Record<string, unknown> };
  lead(
    `a ${formId} lead with a right-to-left override in the first name`,
    {
      ...body,
      fields: { ...body.fields, firstName: 'Ada\u202E' },
    },
    bad('validation_failed'),
    { form: formId },
  );
  lead(
    `a ${formId} lead with a phone number carrying SQL`,
    {
      ...body,
      fields: { ...body.fields, phone: "07840 258823' OR 1=1--" },
    },
    bad('validation_failed'),
    { form: formId },
  );
  lead(
    `a ${formId} lead with a homoglyph email`,
    {
      ...body,
      fields: { ...body.fields, email: 'ada@ex\u0430mple.com' },
    },
    bad('validation_failed'),
    { form: formId },
  );
}
lead(
  'a demo-cap lead with a vehicle not on the list',
  {
    ...(otherForms['demo-cap'] as object),
    fields: { ...contact, postcode: 'SW1A 1AA', vehicle: '<script>alert(1)</script>' },
  },
  bad('validation_failed'),
  { form: 'demo-cap' },
);
lead(
  'a demo-dialler lead with a consent for data selling',
  {
    ...(otherForms['demo-dialler'] as object),
    consent: { contact: true, sellData: true },
  },
  bad('validation_failed'),
  { form: 'demo-dialler' },
);

// A filled honeypot: answered like a person, nothing stored or sent.
lead('a bot that filled the honeypot', { ...tp, website: 'http://spam.example' }, [202, null]);
lead(
  'a bot that filled the honeypot and every field with script',
  {
    ...tp,
    fields: { ...tp.fields, firstName: '<script>alert(1)</script>' },
    website: '<script>alert(1)</script>',
  },
  [202, null],
);
lead(
  'a bot that filled the honeypot on demo-all',
  { ...(otherForms['demo-all'] as object), website: 'x' },
  [202, null],
  {
    form: 'demo-all',
  },
);

// Rate limit: invalid leads count too, so a scanner is cut off as fast as a flood of good ones.
lead('the 61st invalid lead from one address in a minute', { fields: {} }, bad('rate_limited'), {
  headers: { 'cf-connecting-ip': '198.51.100.61' },
  warmUp: 60,
});

// ---------------------------------------------------------------------------------------------
// POST /v1/forms/:formId/ping: nothing reaches LeadExec unless every check passes.

ping('a ping sent as text/plain', null, bad('unsupported_media_type'), {
  headers: { 'content-type': 'text/plain' },
  raw: JSON.stringify({ fields: solarFields }),
});
ping('a ping with broken JSON', null, bad('invalid_json'), { raw: '{"fields":{"zip":' });
ping('a ping over 32 KiB', null, bad('payload_too_large'), { raw: oversized });
ping('a ping nested 9 deep', { fields: solarFields, context: nested(9) }, bad('invalid_json'));
ping('a ping with __proto__ in fields', null, bad('validation_failed'), {
  raw: JSON.stringify({ fields: solarFields }).replace('"fields":{', '"fields":{"__proto__":{"x":1},'),
});
ping('a ping from a foreign origin', { fields: solarFields }, bad('origin_not_allowed'), {
  headers: { origin: FOREIGN },
});
ping('a ping with no Origin', { fields: solarFields }, bad('origin_not_allowed'), { headers: { origin: '' } });
ping('a ping for an unknown form', { fields: solarFields }, bad('form_not_found'), { form: 'no-such-form' });
ping('a ping to a form without ping/post', { fields: tp.fields }, bad('not_found'), { form: 'demo-takepayments' });
ping('a ping without fields', {}, bad('validation_failed'));
ping('a ping with fields as an array', { fields: [] }, bad('validation_failed'));
ping(
  'a ping carrying an order id the client chose',
  { fields: solarFields, orderId: 'order-1' },
  bad('validation_failed'),
);
ping(
  'a ping carrying offers the client chose',
  { fields: solarFields, offers: [{ offerId: 'x', price: 0 }] },
  bad('validation_failed'),
);
ping('a ping carrying a session id', { fields: solarFields, sessionId: SESSIONS.live }, bad('validation_failed'));
ping(
  'a ping with an unknown context key',
  { fields: solarFields, context: { orderId: 'x' } },
  bad('validation_failed'),
);
ping('a ping with a state not on the list', { fields: solarWith({ state: 'XX' }) }, bad('validation_failed'));
ping('a ping with SQL in the ZIP', { fields: solarWith({ zip: "94107' OR 1=1" }) }, bad('validation_failed'));
ping('a ping with an XML entity in the ZIP', { fields: solarWith({ zip: '&xxe;' }) }, bad('validation_failed'));
ping(
  'a ping with a template in the home-owner answer',
  { fields: solarWith({ ownsHome: '{{7*7}}' }) },
  bad('validation_failed'),
);
ping(
  'a ping with a right-to-left override in the city',
  { fields: solarWith({ city: 'San\u202EFrancisco' }) },
  bad('validation_failed'),
);
ping(
  'a ping with a zero-width space in the address',
  { fields: solarWith({ address: '1\u200B Market St' }) },
  bad('validation_failed'),
);
ping(
  'a ping with a homoglyph email',
  { fields: solarWith({ email: 'ada@ex\u0430mple.com' }) },
  bad('validation_failed'),
);
ping(
  'a ping with a phone number with letters',
  { fields: solarWith({ phone: '415-CALL-NOW' }) },
  bad('validation_failed'),
);
ping(
  'a ping with a CRLF in the last name',
  { fields: solarWith({ lastName: 'Lovelace\r\nX: 1' }) },
  bad('validation_failed'),
);
ping('a ping missing the ZIP', { fields: solarWith({ zip: undefined }) }, bad('validation_failed'));
ping('a ping with a 101-character city', { fields: solarWith({ city: 'c'.repeat(101) }) }, bad('validation_failed'));
ping('the 61st invalid ping from one address in a minute', { fields: {} }, bad('rate_limited'), {
  headers: { 'cf-connecting-ip': '198.51.100.62' },
  warmUp: 60,
});

// ---------------------------------------------------------------------------------------------
// POST /v1/forms/:formId/sessions/:sessionId/post

const validPost = { fields: solarFields, offerIds: [SESSION_OFFERS[0]], consent: {} };

sessionPost('a post to an unknown session', validPost, bad('session_not_found'), {
  session: 'c0ffee00-0000-4000-8000-0000000000ff',
});
sessionPost('a post to a session id with SQL', validPost, bad('session_not_found'), {
  session: "x'%20OR%20'1'='1",
});
sessionPost('a post to the session id __proto__', validPost, bad('session_not_found'), { session: '__proto__' });
sessionPost('a post to a 3000-character session id', validPost, bad('session_not_found'), {
  session: 's'.repeat(3000),
});
sessionPost('a post to the lead id of a posted session', validPost, bad('session_not_found'), {
  session: USED_SESSION_LEAD.id,
});
sessionPost('a replay of a session already posted', validPost, bad('session_used'), { session: SESSIONS.used });
sessionPost('a post after the order expired', validPost, bad('order_expired'), { session: SESSIONS.expired });
sessionPost('a post to a session under a form without ping/post', validPost, bad('not_found'), { form: 'demo-all' });
sessionPost('a post to a session under an unknown form', validPost, bad('form_not_found'), { form: 'no-such-form' });
sessionPost(
  'a post choosing an offer of no session',
  { ...validPost, offerIds: ['offer-made-up'] },
  bad('validation_failed'),
);
sessionPost(
  'a post choosing an offer id with SQL',
  { ...validPost, offerIds: ["' OR 1=1 --"] },
  bad('validation_failed'),
);
sessionPost(
  'a post choosing 21 offers',
  { ...validPost, offerIds: Array.from({ length: 21 }, (_, i) => `o${i}`) },
  bad('validation_failed'),
);
sessionPost(
  'a post choosing a 101-character offer id',
  { ...validPost, offerIds: ['o'.repeat(101)] },
  bad('validation_failed'),
);
sessionPost(
  'a post with offerIds as a string',
  { ...validPost, offerIds: SESSION_OFFERS[0] },
  bad('validation_failed'),
);
sessionPost('a post with offerIds as numbers', { ...validPost, offerIds: [1, 2] }, bad('validation_failed'));
sessionPost('a post without offerIds', { fields: solarFields, consent: {} }, bad('validation_failed'));
sessionPost('a post without consent', { fields: solarFields, offerIds: [SESSION_OFFERS[0]] }, bad('validation_failed'));
sessionPost('a post with answers changed since the ping', validPost, bad('validation_failed'));
sessionPost(
  'a post choosing no offer, with answers changed since the ping',
  { ...validPost, offerIds: [] },
  bad('validation_failed'),
);
sessionPost('a post carrying the order id', { ...validPost, orderId: 'order-seeded' }, bad('validation_failed'));
sessionPost('a post carrying a price', { ...validPost, price: 0.01 }, bad('validation_failed'));
sessionPost('a post with an unknown consent', { ...validPost, consent: { marketing: true } }, bad('validation_failed'));
sessionPost(
  'a post with invalid answers',
  { ...validPost, fields: solarWith({ email: 'nope' }) },
  bad('validation_failed'),
);
sessionPost('a post with __proto__ in consent', null, bad('validation_failed'), {
  raw: JSON.stringify(validPost).replace('"consent":{', '"consent":{"__proto__":{"x":true}'),
});
sessionPost('a post sent as a urlencoded form', null, bad('unsupported_media_type'), {
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  raw: `offerIds=${SESSION_OFFERS[0]}`,
});
sessionPost('a post with broken JSON', null, bad('invalid_json'), { raw: '{"offerIds":[' });
sessionPost('a post over 32 KiB', null, bad('payload_too_large'), { raw: oversized });
sessionPost('a post from a foreign origin', validPost, bad('origin_not_allowed'), { headers: { origin: FOREIGN } });
sessionPost('a post with no Origin', validPost, bad('origin_not_allowed'), { headers: { origin: '' } });
sessionPost('the 61st invalid post from one address in a minute', { offerIds: [] }, bad('rate_limited'), {
  headers: { 'cf-connecting-ip': '198.51.100.63' },
  warmUp: 60,
});

// ---------------------------------------------------------------------------------------------
// POST /v1/forms/:formId/events: beacons carry counts, never a person; the same guards as leads.

const NO_CONTENT: Expect = [204, null];
const view = { events: [{ type: 'view', at: 1_764_000_000_000 }] };
const event = (name: string, body: unknown, expect: Expect, options?: PostOptions) =>
  jsonPost('POST /v1/forms/:formId/events', '/v1/forms/demo-takepayments/events', name, body, expect, options);

event('a view sent as a beacon (text/plain)', view, NO_CONTENT, {
  headers: { 'content-type': 'text/plain;charset=UTF-8' },
});
event('a view sent as JSON', view, NO_CONTENT);
event('a form post of the events', view, bad('unsupported_media_type'), {
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});
event('events from a foreign page', view, bad('origin_not_allowed'), { headers: { origin: FOREIGN } });
event('events with no Origin', view, bad('origin_not_allowed'), { headers: { origin: '' } });
event('a beacon that is not JSON', undefined, bad('invalid_json'), {
  raw: '{"events":[',
  headers: { 'content-type': 'text/plain' },
});
event('a 5 KB beacon', undefined, bad('payload_too_large'), { raw: `{"pad":"${'x'.repeat(5 * 1024)}"}` });
event(
  '21 events in one beacon',
  { events: Array.from({ length: 21 }, () => view.events[0]) },
  bad('validation_failed'),
);
event(
  'an event carrying an email address',
  { events: [{ ...view.events[0], email: 'ada@example.com' }] },
  bad('validation_failed'),
  {
    answer: { error: { issues: [{ path: 'events.0.email', rule: 'unknown_field' }] } },
  },
);
event('an event of a made-up type', { events: [{ type: 'scroll', at: 1 }] }, bad('validation_failed'));
event(
  'an error code with markup in it',
  { events: [{ type: 'error', code: '<img src=x>', at: 1 }] },
  bad('validation_failed'),
);
event('a __proto__ key', undefined, bad('validation_failed'), { raw: '{"events":[],"__proto__":{"x":1}}' });
event('a lone surrogate in utm_source', undefined, bad('validation_failed'), {
  raw: '{"events":[{"type":"view","at":1}],"utm_source":"src\\ud800"}',
});

// ---------------------------------------------------------------------------------------------
// POST /v1/certificates/verify: public, so it says only valid or not, and is limited per address.

const verify = (name: string, body: unknown, expect: Expect, options?: PostOptions) =>
  jsonPost('POST /v1/certificates/verify', '/v1/certificates/verify', name, body, expect, options);
const forgedCertificate = {
  certificate: { version: 1, leadId: USED_SESSION_LEAD.id, formId: 'demo-leadexec', consents: [] },
  signature: 'a'.repeat(64),
};
verify('a certificate with a made-up signature', forgedCertificate, OK, { answer: { valid: false } });
verify('an empty object', {}, OK, { answer: { valid: false } });
verify('a certificate whose signature is SQL', { ...forgedCertificate, signature: "' OR '1'='1" }, OK, {
  answer: { valid: false },
});
verify('invalid JSON', undefined, bad('invalid_json'), { raw: '{"certificate":' });
verify('a certificate as text/plain', forgedCertificate, bad('unsupported_media_type'), {
  headers: { 'content-type': 'text/plain' },
});
verify('a __proto__ key', undefined, bad('validation_failed'), { raw: '{"__proto__":{"valid":true}}' });
verify('a 129 KB certificate', undefined, bad('payload_too_large'), { raw: `{"pad":"${'x'.repeat(129 * 1024)}"}` });
verify('the 31st check in a minute from one address', forgedCertificate, bad('rate_limited'), {
  headers: { 'cf-connecting-ip': '198.51.100.231' },
  warmUp: 30,
});

// ---------------------------------------------------------------------------------------------
// /v1/admin/*: a forged token gets 401 and nothing else; the real one still cannot inject.

/** Every admin route, with each parameter filled in: a forged token must be refused on all of them. */
const ADMIN_PARAMS: Record<string, string> = {
  leadId: USED_SESSION_LEAD.id,
  formId: 'demo-takepayments',
  textsVersion: '0000000000000000',
};
const ADMIN: [Route, string, string][] = ROUTES.filter((route) => route.includes(' /v1/admin/')).map((route) => {
  const [method = '', template = ''] = route.split(' ');
  return [route, method, template.replace(/:(\w+)/g, (_, name: string) => ADMIN_PARAMS[name] ?? name)];
});
const token = SANDBOX_SECRETS.ADMIN_TOKEN;
const FORGED: [string, Record<string, string>][] = [
  ['no Authorization header', {}],
  ['a wrong token of the same length', { authorization: `Bearer ${'x'.repeat(token.length)}` }],
  [
    'the token with its last letter in capitals',
    { authorization: `Bearer ${token.slice(0, -1)}${token.at(-1)?.toUpperCase()}` },
  ],
  ['the token cut short by one', { authorization: `Bearer ${token.slice(0, -1)}` }],
  ['the token with a suffix', { authorization: `Bearer ${token}x` }],
  ['the token after two spaces', { authorization: `Bearer  ${token}` }],
  ['the token with a lowercase scheme', { authorization: `bearer ${token}` }],
  ['the token as Basic credentials', { authorization: `Basic ${btoa(`admin:${token}`)}` }],
  ['the token in a cookie', { cookie: `token=${token}` }],
  ['the token in a custom header', { 'x-admin-token': token }],
  ['a token list with the real one second', { authorization: `Bearer forged, Bearer ${token}` }],
  ['an empty bearer token', { authorization: 'Bearer ' }],
  ['a JWT with alg none', { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhZG1pbiI6dHJ1ZX0.' }],
];
for (const [route, method, path] of ADMIN) {
  for (const [name, headers] of FORGED) add(route, name, { method, path, headers }, bad('unauthorized'));
}
add(
  'GET /v1/admin/leads',
  'the token in the query string',
  { method: 'GET', path: `/v1/admin/leads?token=${token}` },
  bad('unauthorized'),
);
add(
  'GET /v1/admin/leads',
  'a foreign origin with no token',
  { method: 'GET', path: '/v1/admin/leads', headers: { origin: FOREIGN } },
  bad('unauthorized'),
);

const authorized = { authorization: `Bearer ${token}` };
const adminGet = (route: Route, name: string, path: string, expect: Expect, method = 'GET') =>
  add(route, name, { method, path, headers: authorized }, expect);

for (const [name, query] of [
  ['SQL in the status filter', "status=accepted'%20OR%20'1'='1"],
  ['a limit of a billion', 'limit=1000000000'],
  ['a negative limit', 'limit=-1'],
  ['a limit that is not a number', 'limit=all'],
  ['a fractional limit', 'limit=2.5'],
  ['SQL in the cursor', "cursor=x'%20UNION%20SELECT%20*%20FROM%20leads--"],
  ['a 65-character form filter', `form=${'f'.repeat(65)}`],
  ['an unknown parameter', 'debug=1'],
  ['the parameter constructor', 'constructor=x'],
] as const) {
  adminGet('GET /v1/admin/leads', `the real token with ${name}`, `/v1/admin/leads?${query}`, bad('validation_failed'));
}
// Bound as a parameter, SQL in the form filter is only a form id that matches nothing.
adminGet(
  'GET /v1/admin/leads',
  'the real token with SQL in the form filter',
  "/v1/admin/leads?form=x'%20OR%20'1'='1",
  OK,
);
for (const [name, id] of [
  ['an unknown lead', 'c0ffee00-0000-4000-8000-0000000000fe'],
  ['a lead id with SQL', "x'%20OR%20'1'='1"],
  ['a lead id with a script tag', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ['the lead id __proto__', '__proto__'],
] as const) {
  adminGet('GET /v1/admin/leads/:leadId', `the real token and ${name}`, `/v1/admin/leads/${id}`, bad('lead_not_found'));
  adminGet(
    'POST /v1/admin/leads/:leadId/replay',
    `the real token and ${name}`,
    `/v1/admin/leads/${id}/replay`,
    bad('lead_not_found'),
    'POST',
  );
  adminGet(
    'POST /v1/admin/leads/:leadId/cancel',
    `the real token and ${name}`,
    `/v1/admin/leads/${id}/cancel`,
    bad('lead_not_found'),
    'POST',
  );
  adminGet(
    'GET /v1/admin/leads/:leadId/status',
    `the real token and ${name}`,
    `/v1/admin/leads/${id}/status`,
    bad('lead_not_found'),
  );
}
adminGet('GET /v1/admin/leads', 'the real token with DELETE', '/v1/admin/leads', bad('not_found'), 'DELETE');

// ---------------------------------------------------------------------------------------------
// What a second outside probe still got through, one section per finding.

// Refused bodies count against the limit, and the limit runs before the body is read: the 61st
// request gets 429 even where its body (too large, the wrong type) would have been refused first.
const refusedBodies: [Route, string, string, PostOptions['raw'], Record<string, string>?][] = [
  ['POST /v1/forms/:formId/leads', '/v1/forms/demo-takepayments/leads', 'invalid JSON', '{"fields":'],
  ['POST /v1/forms/:formId/leads', '/v1/forms/demo-takepayments/leads', 'a body over 32 KiB', oversized],
  [
    'POST /v1/forms/:formId/leads',
    '/v1/forms/demo-takepayments/leads',
    'a declared Content-Length of 10 MB',
    JSON.stringify(tp),
    { 'content-length': String(10 * 1024 * 1024) },
  ],
  [
    'POST /v1/forms/:formId/leads',
    '/v1/forms/demo-takepayments/leads',
    'text/plain',
    JSON.stringify(tp),
    { 'content-type': 'text/plain' },
  ],
  [
    'POST /v1/forms/:formId/leads',
    '/v1/forms/demo-takepayments/leads',
    'JSON nested 9 deep',
    JSON.stringify({ ...tp, context: nested(9) }),
  ],
  [
    'POST /v1/forms/:formId/leads',
    '/v1/forms/demo-takepayments/leads',
    '__proto__ in fields',
    tpText.replace('"fields":{', '"fields":{"__proto__":{},'),
  ],
  ['POST /v1/forms/:formId/ping', '/v1/forms/demo-leadexec/ping', 'invalid JSON', '{"fields":'],
  [
    'POST /v1/forms/:formId/sessions/:sessionId/post',
    `/v1/forms/demo-leadexec/sessions/${SESSIONS.live}/post`,
    'a body over 32 KiB',
    oversized,
  ],
];
for (const [i, [route, path, what, raw, headers]] of refusedBodies.entries()) {
  jsonPost(route, path, `the 61st request in a minute from one address, each with ${what}`, null, bad('rate_limited'), {
    headers: { 'cf-connecting-ip': `198.51.100.${100 + i}`, ...headers },
    raw,
    warmUp: 60,
  });
}

// Text that shows nothing is no answer: refused as required, naming the field.
for (const [name, field, blank] of [
  ['a Hangul filler (U+3164)', 'firstName', '\u3164'],
  ['a braille blank (U+2800)', 'lastName', '\u2800'],
  ['a Hangul choseong filler (U+115F)', 'firstName', '\u115f'],
  ['a halfwidth Hangul filler (U+FFA0)', 'lastName', '\uffa0'],
  ['invisible ASCII in tag characters', 'firstName', '\u{e0041}\u{e0064}\u{e0061}'],
  ['a left-to-right mark', 'firstName', '\u200e'],
  ['a right-to-left mark', 'lastName', '\u200f'],
  ['an Arabic letter mark', 'firstName', '\u061c'],
  ['a function application (U+2061)', 'lastName', '\u2061'],
  ['a Mongolian vowel separator', 'firstName', '\u180e'],
  ['a combining grapheme joiner', 'lastName', '\u034f'],
  ['a soft hyphen', 'firstName', '\u00ad'],
  ['spaces around a Hangul filler and a braille blank', 'lastName', ' \u3164 \u2800 '],
] as const) {
  lead(`a ${field} of only ${name}`, tpWith({ [field]: blank }), bad('validation_failed'), {
    answer: { error: { issues: [{ path: `fields.${field}`, rule: 'required' }] } },
  });
}
// Inside visible text, an invisible character is refused: it can make one name look like another
// or carry hidden text to whoever reads the lead.
for (const [name, field, text] of [
  ['a right-to-left mark after the first name', 'firstName', 'Ada\u200f'],
  ['a soft hyphen inside the last name', 'lastName', 'Love\u00adlace'],
  ['a Hangul filler after the company', 'company', 'Engines\u3164'],
  ['instructions hidden in tag characters in the message', 'message', 'Call me \u{e0049}\u{e0067}\u{e006e}'],
  ['a run of variation selectors hiding bytes in the message', 'message', 'Hi\ufe00\ufe01\ufe02\ufe03'],
] as const) {
  lead(name, tpWith({ [field]: text }), bad('validation_failed'), {
    answer: { error: { issues: [{ path: `fields.${field}`, rule: 'format' }] } },
  });
}

// Error answers are bounded whatever is sent: the first 20 issues, and how many there were.
const unknownKeys = Object.fromEntries(Array.from({ length: 2600 }, (_, i) => [`k${i}`, '']));
lead('2,600 unknown field keys', tpWith(unknownKeys), bad('validation_failed'), {
  answer: { error: { issueCount: 2600 } },
  maxAnswerBytes: 4096,
});
lead('one unknown field key of 30,000 characters', tpWith({ ['k'.repeat(30_000)]: '' }), bad('validation_failed'), {
  maxAnswerBytes: 4096,
});
lead(
  '1,000 unknown consents',
  { ...tp, consent: { ...tp.consent, ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`c${i}`, true])) } },
  bad('validation_failed'),
  { answer: { error: { issueCount: 1000 } }, maxAnswerBytes: 4096 },
);

// A lone surrogate is valid JSON but not text: refused wherever it is, and never echoed.
lead(
  'a lone surrogate in utm_source',
  { ...tp, context: { ...tp.context, utm_source: 'src\ud800' } },
  bad('validation_failed'),
  { answer: { error: { issues: [{ path: 'context.utm_source', rule: 'format' }] } } },
);
lead(
  'a lone low surrogate in the page URL',
  { ...tp, context: { pageUrl: `${PAGE_ORIGIN}/\udc00` } },
  bad('validation_failed'),
  { answer: { error: { issues: [{ path: 'context.pageUrl', rule: 'format' }] } } },
);
lead('a lone surrogate in an unknown field key', tpWith({ 'x\ud800': 'y' }), bad('validation_failed'), {
  answer: { error: { issues: [{ path: 'fields', rule: 'format' }] } },
});
ping(
  'a ping with a lone surrogate in utm_campaign',
  { fields: solarFields, context: { utm_campaign: '\udbff' } },
  bad('validation_failed'),
  {
    answer: { error: { issues: [{ path: 'context.utm_campaign', rule: 'format' }] } },
  },
);

// A provider's answer is untrusted too: character references XML does not allow reach the
// consumer as U+FFFD, never as a control character or a lone surrogate.
const offerXml = (companyName: string, tcpaText: string) =>
  `<PingReceiverResult><RequestId>r-1</RequestId><Results><PingResponse><WillAccept>true</WillAccept><OrderID>order-hostile</OrderID><OrderExpiresOn>2099-01-01T00:00:00Z</OrderExpiresOn><CampaignID>1</CampaignID><EstimatedPayout>5</EstimatedPayout><Response>0</Response><Offers><Offer><Id>offer-1</Id><CompanyName>${companyName}</CompanyName><CompanyPhoneNumber>+14155550100</CompanyPhoneNumber><Name>Solar</Name><Description>Rooftop</Description><Type>Standard</Type><Price>0</Price><Url>https://installer.example</Url><TCPAInformation><CustomTCPATextRequired>True</CustomTCPATextRequired><TCPAText>${tcpaText}</TCPAText><PrivacyUrl></PrivacyUrl><TermsUrl></TermsUrl></TCPAInformation></Offer></Offers></PingResponse></Results></PingReceiverResult>`;
ping('a ping LeadExec answers with &#xD800; and &#1; in an offer', { fields: solarFields }, OK, {
  providerAnswer: {
    provider: 'leadexec',
    body: offerXml('Sunrise&#xD800; Solar&#1;', 'Call me&#0;&#x1B;[31m &#x110000;ok &#x2600;'),
  },
  answer: {
    offers: [{ companyName: 'Sunrise\ufffd Solar\ufffd', tcpa: { text: 'Call me\ufffd\ufffd[31m \ufffdok \u2600' } }],
  },
});
ping('a ping LeadExec answers with raw control characters in an offer', { fields: solarFields }, OK, {
  providerAnswer: { provider: 'leadexec', body: offerXml('Sunrise\u0007Solar\u0085', 'Call\u001b[2Jme') },
  answer: { offers: [{ companyName: 'Sunrise\ufffdSolar\ufffd', tcpa: { text: 'Call\ufffd[2Jme' } }] },
});

// An Idempotency-Key is bound to the body's content, not to the order its keys were written in.
const reversedFields = Object.fromEntries(Object.entries(tp.fields).reverse());
lead('a retry with the same Idempotency-Key and body', tp, [202, null], {
  headers: { 'idempotency-key': IDEMPOTENCY_KEY },
  answer: { leadId: KEYED_LEAD.id },
});
lead(
  'a retry with the same Idempotency-Key and the same fields in another order',
  { context: tp.context, consent: tp.consent, fields: reversedFields },
  [202, null],
  { headers: { 'idempotency-key': IDEMPOTENCY_KEY }, answer: { leadId: KEYED_LEAD.id } },
);
lead('the same Idempotency-Key with another body', tpWith({ firstName: 'Grace' }), bad('idempotency_conflict'), {
  headers: { 'idempotency-key': IDEMPOTENCY_KEY },
});

// A postcode is checked as sent: only ASCII letters are raised, so "ß" does not become "SS".
for (const [name, postcode] of [
  ['an ß', 'ßw1a 1aa'],
  ['a dotless ı', 'sw1a 1ıa'],
  ['an ﬀ ligature', 'ﬀ1 1aa'],
] as const) {
  lead(`a postcode with ${name}`, tpWith({ postcode }), bad('validation_failed'), {
    answer: { error: { issues: [{ path: 'fields.postcode', rule: 'format' }] } },
  });
}

// An IPv6 client is counted by its /64, however the address is written; an IPv4-mapped one as its IPv4.
lead('the 61st invalid lead from addresses rotating inside one /64', { fields: {} }, bad('rate_limited'), {
  warmUp: 60,
  addressOf: (i) => (i % 2 ? `2001:db8:16:64::${i.toString(16)}` : `2001:0DB8:0016:0064:0:0:1:${i.toString(16)}`),
});
lead('the 61st invalid lead, from the IPv4-mapped form of the address', { fields: {} }, bad('rate_limited'), {
  warmUp: 60,
  addressOf: (i) => (i < 60 ? '198.51.100.164' : '::ffff:198.51.100.164'),
});
lead('an invalid lead from the next /64 after 60 from its neighbour', { fields: {} }, bad('validation_failed'), {
  warmUp: 60,
  addressOf: (i) => (i < 60 ? `2001:db8:16:65::${i.toString(16)}` : '2001:db8:16:66::1'),
});

export const corpus: readonly HostileCase[] = cases;
