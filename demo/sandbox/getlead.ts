/**
 * @module Getlead CRM simulator, from `getlead-crm-api.txt`: its six POST endpoints, every answer
 * HTTP 200 with `{status, message}`. The document shows the parameters as a query string on a POST,
 * so they are read from the query string, or from a form body (`application/x-www-form-urlencoded`
 * or `multipart/form-data`, as any form POST sends them; a body value wins over the query's). The
 * document shows no JSON body anywhere, so a JSON body carries no parameters.
 * - create lead: token, countrycode, mobileno and source required ("Please check the parameters."),
 *   mobileno of 8 to 14 digits ("The mobileno must be between 8 and 14 digits."); a number already
 *   known is that same lead, updated, as the document's "update value to existing data" says.
 * - note and status change: token, note or status, countrycode and mobile_no required; "Enquiry Not
 *   Found." for a number no lead has.
 * - task: token and name required; task_category_id 1 or 2; description, countrycode, mobile_no,
 *   email, comment, scheduled_date (a date, or a date and time) and assigned_to optional.
 * - deal: token, mobile and status required, and a lead with that number (the document gives no
 *   other error for a deal than "Please check the parameters."); "deal name" (or deal_name),
 *   countrycode, staff_name, deal_amount (a whole number), start_date and end_date (YYYY-MM-DD, the
 *   format the document means by "YYYY-MM-DDD") and deal_note optional.
 * - department: the token from the path; SourceNumber and a department this account has.
 * Success messages are the document's own, slips included: a status change answers "Note Added
 * Successfully." and a deal "Task Added Successfully.". A wrong token gets the documented "Please
 * check the parameters."; the department endpoint, whose error text the document leaves as a
 * placeholder, says "Invalid token.".
 */
import { type Context, Hono } from 'hono';
import { opensAccount } from './keys.ts';

/** The departments this Getlead account has. */
const DEPARTMENTS = new Set(['Sales', 'Service', 'Accounts']);

const CHECK_PARAMETERS = 'Please check the parameters.';

/** The request's parameters: the query string's, then a form body's over them. */
async function parametersOf(c: Context): Promise<Record<string, string>> {
  const parameters: Record<string, string> = { ...c.req.query() };
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    try {
      for (const [name, value] of Object.entries(await c.req.parseBody())) {
        if (typeof value === 'string') parameters[name] = value;
      }
    } catch {
      // An unreadable form body carries no parameters.
    }
  }
  return parameters;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?$/;

/** A real calendar date, `YYYY-MM-DD`; with `time`, optionally followed by `HH:MM` or `HH:MM:SS`. */
function isDate(value: string, time: boolean): boolean {
  const match = (time ? DATE_TIME : DATE).exec(value);
  if (!match) return false;
  const [year, month, day] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An optional parameter: absent or empty (sent as nothing), or it passes `valid`. */
const optional = (value: string | undefined, valid: (value: string) => boolean) =>
  value === undefined || value === '' || valid(value);

/** A number "with or without country code", reduced to the national digits without a trunk 0. */
function nationalNumber(countrycode: string, mobile: string): string {
  const digits = mobile.replace(/\D/g, '');
  const withoutCode = digits.length > 10 && digits.startsWith(countrycode) ? digits.slice(countrycode.length) : digits;
  return withoutCode.replace(/^0/, '');
}

export function getleadSimulator(token: string) {
  /** The leads this account has, as `countrycode:national number`. */
  const leads = new Set<string>();
  /** Whether a lead has this number; without a country code, in any country. */
  const known = (countrycode: string | undefined, mobile: string | undefined): boolean => {
    if (!mobile) return false;
    const national = nationalNumber(countrycode ?? '', mobile);
    if (countrycode) return leads.has(`${countrycode}:${national}`);
    return [...leads].some((key) => key.endsWith(`:${national}`));
  };

  return new Hono()
    .post('/api/gl-website-contacts', async (c) => {
      const q = await parametersOf(c);
      if (
        !opensAccount(token, q.token) ||
        !q.countrycode ||
        !q.mobileno ||
        !q.source ||
        !/^\d{1,4}$/.test(q.countrycode)
      ) {
        return c.json({ status: 'fail', message: CHECK_PARAMETERS });
      }
      const digits = q.mobileno.replace(/[\s+]/g, '');
      if (!/^\d{8,14}$/.test(digits)) {
        return c.json({ status: 'fail', message: 'The mobileno must be between 8 and 14 digits.' });
      }
      if (q.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(q.email)) {
        return c.json({ status: 'fail', message: CHECK_PARAMETERS });
      }
      leads.add(`${q.countrycode}:${nationalNumber(q.countrycode, digits)}`);
      return c.json({ status: 'success', message: 'Lead Added Successfully.' });
    })
    .post('/api/gl-task-creation-api', async (c) => {
      const q = await parametersOf(c);
      const category = q.task_category_id;
      if (
        !opensAccount(token, q.token) ||
        !q.name ||
        !optional(category, (id) => id === '1' || id === '2') ||
        !optional(q.scheduled_date, (date) => isDate(date, true))
      ) {
        return c.json({ status: 'error', message: CHECK_PARAMETERS });
      }
      return c.json({ status: 'success', message: 'Task Added Successfully.' });
    })
    .post('/api/gl-note-creation-api', async (c) => {
      const q = await parametersOf(c);
      if (!opensAccount(token, q.token) || !q.note || !q.countrycode || !q.mobile_no) {
        return c.json({ status: 'error', message: CHECK_PARAMETERS });
      }
      if (!known(q.countrycode, q.mobile_no)) return c.json({ status: 'error', message: 'Enquiry Not Found.' });
      return c.json({ status: 'success', message: 'Note Added Successfully.' });
    })
    .post('/api/gl-status-change-api', async (c) => {
      const q = await parametersOf(c);
      if (!opensAccount(token, q.token) || !q.status || !q.countrycode || !q.mobile_no) {
        return c.json({ status: 'error', message: CHECK_PARAMETERS });
      }
      if (!known(q.countrycode, q.mobile_no)) return c.json({ status: 'error', message: 'Enquiry Not Found.' });
      return c.json({ status: 'success', message: 'Note Added Successfully.' });
    })
    .post('/api/gl-deal-creation-api', async (c) => {
      const q = await parametersOf(c);
      const valid =
        optional(q.deal_amount, (amount) => /^\d+$/.test(amount)) &&
        optional(q.start_date, (date) => isDate(date, false)) &&
        optional(q.end_date, (date) => isDate(date, false));
      if (!opensAccount(token, q.token) || !q.mobile || !q.status || !valid || !known(q.countrycode, q.mobile)) {
        return c.json({ status: 'error', message: CHECK_PARAMETERS });
      }
      return c.json({ status: 'success', message: 'Task Added Successfully.' });
    })
    .post('/api/gl-department-vise-agent-assign/:token', async (c) => {
      const q = await parametersOf(c);
      if (!opensAccount(token, c.req.param('token'))) return c.json({ status: 'error', message: 'Invalid token.' });
      const missing = ['SourceNumber', 'department'].filter((name) => !q[name]);
      if (missing.length > 0) {
        return c.json({ status: 'error', message: `Missing parameters: ${missing.join(', ')}.` });
      }
      if (!DEPARTMENTS.has(q.department ?? '')) return c.json({ status: 'error', message: 'Invalid department.' });
      return c.json({ status: 'success', message: 'The source number has been assigned to the specified department.' });
    });
}
