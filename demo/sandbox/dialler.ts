/**
 * @module Dialler lead API simulator, from `dialler-lead-api.txt`: `POST /lead/add?key=` and
 * `POST /lead/cancel?key=`. Field errors are 400 in the document's shape
 * (`{"email": {"0": "Email cannot be blank."}}`), worded as the document's own examples word them.
 * Every documented answer follows from realistic input:
 * - a new mobile with a known type is saved and processed; its call falls due after `delays` seconds.
 * - the same mobile again while its call is still due: "Another call is already scheduled"; after: "Existing Contact".
 * - a type the dialler was not set up with: "Unknown Type" (saved, not processed).
 * - `"test": "true"` (or `true`, as the document's example sends it): checked like a real lead, nothing
 *   saved: `{"test": "ok"}`, or the same answer a real lead would get for its fields or an unknown type
 *   (`{"saved": false, "processed": false, "error": "Unknown Type"}`: saved false, as nothing is).
 * - cancel: "not found" without such a lead, "already processed" once its call fell due, else cancelled.
 * - Ofcom's drama numbers act out the server's own failures: 07700 900500 makes lead/add answer 500;
 *   a lead on 07700 900501 cancels with "server error (save)", on 07700 900502 with
 *   "server error (call group)", unquoted as the document shows it.
 * The document shows no answer for a wrong key: the simulator answers 401.
 */
import { Hono } from 'hono';
import { opensAccount } from './keys.ts';

/** The lead types this dialler account was set up with ("given to you when you start"). */
const KNOWN_TYPES = new Set(['motor-trade', 'home-improvement', 'solar']);

const FAILS_ON_ADD = '07700900500';
const FAILS_ON_SAVE = '07700900501';
const FAILS_ON_CALL_GROUP = '07700900502';

const DATA_ERROR = 'Empty or invalid content of `data` field';

type FieldErrors = Record<string, Record<string, string>>;

interface ScheduledCall {
  type: string;
  dueAt: number;
}

/** The document accepts UK national numbers (its example) and international ones. */
function phoneKey(value: string): string | undefined {
  const compact = value.replace(/[\s().-]/g, '');
  if (/^0\d{9,10}$/.test(compact)) return compact;
  if (/^\+44\d{9,10}$/.test(compact)) return `0${compact.slice(3)}`;
  return /^\+[1-9]\d{7,14}$/.test(compact) ? compact : undefined;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Collects field errors in the document's shape: per field, numbered from "0". */
class Checker {
  readonly errors: FieldErrors = {};

  add(field: string, message: string): void {
    const messages = this.errors[field] ?? {};
    messages[String(Object.keys(messages).length)] = message;
    this.errors[field] = messages;
  }

  text(body: Record<string, unknown>, field: string, label: string, required: boolean): void {
    const value = body[field];
    if (isBlank(value)) {
      if (required) this.add(field, `${label} cannot be blank.`);
    } else if (typeof value !== 'string') {
      this.add(field, `${label} must be a string.`);
    }
  }

  phone(body: Record<string, unknown>, field: string, label: string, required: boolean): void {
    this.text(body, field, label, required);
    const value = body[field];
    if (typeof value === 'string' && !isBlank(value) && !phoneKey(value)) {
      this.add(field, `${label} is not a valid phone number.`);
    }
  }

  get failed(): boolean {
    return Object.keys(this.errors).length > 0;
  }
}

function checkLead(body: Record<string, unknown>): Checker {
  const check = new Checker();
  check.text(body, 'email', 'Email', true);
  if (typeof body.email === 'string' && !isBlank(body.email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email)) {
    check.add('email', 'Email is not a valid email address.');
  }
  check.text(body, 'first_name', 'First Name', true);
  check.text(body, 'surname', 'Surname', true);
  check.phone(body, 'mobile', 'Mobile', true);
  check.text(body, 'type', 'Type', true);
  check.text(body, 'subtype', 'Subtype', false);
  check.phone(body, 'other_phone', 'Other Phone', false);
  if (body.data !== undefined) {
    let parsed: unknown;
    try {
      parsed = typeof body.data === 'string' ? JSON.parse(body.data) : undefined;
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Object.keys(parsed).length === 0) {
      check.add('data', DATA_ERROR);
    }
  }
  if (body.delays !== undefined && !(typeof body.delays === 'number' || /^\d+$/.test(String(body.delays)))) {
    check.add('delays', 'Delays must be a number.');
  }
  if (body.test !== undefined && body.test !== 'true' && body.test !== true) {
    check.add('test', 'Test is invalid.');
  }
  return check;
}

async function jsonObject(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = await request.json();
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function diallerSimulator(apiKey: string) {
  const calls = new Map<string, ScheduledCall>();
  const invalidBody = { body: { 0: 'Content must be a valid JSON object.' } };

  return new Hono()
    .use('/lead/*', async (c, next) => {
      if (!opensAccount(apiKey, c.req.query('key'))) return c.json({ key: { 0: 'Invalid API key.' } }, 401);
      return next();
    })
    .post('/lead/add', async (c) => {
      const body = await jsonObject(c.req.raw);
      if (!body) return c.json(invalidBody, 400);
      const check = checkLead(body);
      if (check.failed) return c.json(check.errors, 400);
      const mobile = phoneKey(String(body.mobile)) ?? '';
      if (mobile === FAILS_ON_ADD) {
        return c.json({ name: 'Internal Server Error', message: 'An internal server error occurred.' }, 500);
      }
      const test = body.test !== undefined;
      const type = String(body.type);
      if (!KNOWN_TYPES.has(type)) return c.json({ saved: !test, processed: false, error: 'Unknown Type' });
      if (test) return c.json({ test: 'ok' });
      const existing = calls.get(mobile);
      if (existing) {
        const error = existing.dueAt > Date.now() ? 'Another call is already scheduled' : 'Existing Contact';
        return c.json({ saved: true, processed: false, error });
      }
      calls.set(mobile, { type, dueAt: Date.now() + Number(body.delays ?? 0) * 1000 });
      return c.json({ saved: true, processed: true });
    })
    .post('/lead/cancel', async (c) => {
      const body = await jsonObject(c.req.raw);
      if (!body) return c.json(invalidBody, 400);
      const check = new Checker();
      check.text(body, 'type', 'Type', true);
      check.phone(body, 'mobile', 'Mobile', true);
      if (check.failed) return c.json(check.errors, 400);
      const mobile = phoneKey(String(body.mobile)) ?? '';
      const call = calls.get(mobile);
      if (!call || call.type !== body.type) return c.json({ cancelled: false, warning: 'not found' });
      if (call.dueAt <= Date.now()) return c.json({ cancelled: false, warning: 'already processed' });
      if (mobile === FAILS_ON_SAVE) return c.json({ cancelled: false, warning: 'server error (save)' });
      if (mobile === FAILS_ON_CALL_GROUP) {
        // Not valid JSON, exactly as the document shows this answer.
        return c.body('{\n"cancelled": false,\n"warning": server error (call group)\n}', 200, {
          'content-type': 'application/json',
        });
      }
      calls.delete(mobile);
      return c.json({ cancelled: true });
    });
}
