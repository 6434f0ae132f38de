/**
 * @module Getlead CRM simulator, from `getlead-crm-api.txt`: its six POST endpoints, parameters read
 * from the query string as the document shows them, every answer HTTP 200 with `{status, message}`.
 * - create lead: token, countrycode, mobileno and source required ("Please check the parameters."),
 *   mobileno of 8 to 14 digits ("The mobileno must be between 8 and 14 digits."); a number already
 *   known is that same lead, updated, as the document's "update value to existing data" says.
 * - note and status change: "Enquiry Not Found." for a number no lead has.
 * - task: name required, task_category_id 1 or 2; deal: mobile and status required, and a lead with
 *   that number (the document gives no other error for a deal than "Please check the parameters.").
 * - department: the token from the path; SourceNumber and a department this account has.
 * Success messages are the document's own, slips included: a status change answers "Note Added
 * Successfully." and a deal "Task Added Successfully.". A wrong token gets the documented "Please
 * check the parameters."; the department endpoint, whose error text the document leaves as a
 * placeholder, says "Invalid token.".
 */
import { Hono } from 'hono';

/** The departments this Getlead account has. */
const DEPARTMENTS = new Set(['Sales', 'Service', 'Accounts']);

const CHECK_PARAMETERS = 'Please check the parameters.';

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
    .post('/api/gl-website-contacts', (c) => {
      const q = c.req.query();
      if (q.token !== token || !q.countrycode || !q.mobileno || !q.source || !/^\d{1,4}$/.test(q.countrycode)) {
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
    .post('/api/gl-task-creation-api', (c) => {
      const q = c.req.query();
      const category = q.task_category_id;
      if (q.token !== token || !q.name || (category !== undefined && category !== '1' && category !== '2')) {
        return c.json({ status: 'error', message: CHECK_PARAMETERS });
      }
      return c.json({ status: 'success', message: 'Task Added Successfully.' });
    })
    .post('/api/gl-note-creation-api', (c) => {
      const q = c.req.query();
      if (q.token !== token || !q.note || !q.countrycode || !q.mobile_no) {
        return c.json({ status: 'error', message: CHECK_PARAMETERS });
      }
      if (!known(q.countrycode, q.mobile_no)) return c.json({ status: 'error', message: 'Enquiry Not Found.' });
      return c.json({ status: 'success', message: 'Note Added Successfully.' });
    })
    .post('/api/gl-status-change-api', (c) => {
      const q = c.req.query();
      if (q.token !== token || !q.status || !q.countrycode || !q.mobile_no) {
        return c.json({ status: 'error', message: CHECK_PARAMETERS });
      }
      if (!known(q.countrycode, q.mobile_no)) return c.json({ status: 'error', message: 'Enquiry Not Found.' });
      return c.json({ status: 'success', message: 'Note Added Successfully.' });
    })
    .post('/api/gl-deal-creation-api', (c) => {
      const q = c.req.query();
      const amountValid = q.deal_amount === undefined || /^\d+$/.test(q.deal_amount);
      if (q.token !== token || !q.mobile || !q.status || !amountValid || !known(q.countrycode, q.mobile)) {
        return c.json({ status: 'error', message: CHECK_PARAMETERS });
      }
      return c.json({ status: 'success', message: 'Task Added Successfully.' });
    })
    .post('/api/gl-department-vise-agent-assign/:token', (c) => {
      const q = c.req.query();
      if (c.req.param('token') !== token) return c.json({ status: 'error', message: 'Invalid token.' });
      const missing = ['SourceNumber', 'department'].filter((name) => !q[name]);
      if (missing.length > 0) {
        return c.json({ status: 'error', message: `Missing parameters: ${missing.join(', ')}.` });
      }
      if (!DEPARTMENTS.has(q.department ?? '')) return c.json({ status: 'error', message: 'Invalid department.' });
      return c.json({ status: 'success', message: 'The source number has been assigned to the specified department.' });
    });
}
