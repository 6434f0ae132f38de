/**
 * @module TakePayments Partner Leads API simulator, from `takepayments-partner-leads-api.txt`:
 * `POST /umbraco/api/PartnerLeadsApi/Insert`, key in the body, required fields and max lengths
 * checked (400 with a note), a wrong or missing ApiKey is 401, success is 200.
 */
import { Hono } from 'hono';
import { opensAccount } from './keys.ts';

const LIMITS: Record<string, { max?: number; required?: boolean }> = {
  FirstName: { max: 200, required: true },
  LastName: { max: 200, required: true },
  Email: { max: 200, required: true },
  ID: { max: 200, required: true },
  ApiKey: { max: 200, required: true },
  Notes: { max: 2000 },
  Postcode: { max: 200 },
  Company: { max: 200 },
  Address: { max: 2000 },
  Referrer: { max: 200 },
  ReferrerEmail: { max: 200 },
  Devices: { max: 2000 },
  Locations: { max: 2000 },
  Industry: { max: 200 },
  CustomerType: { max: 200 },
  ExternalLeadType: { max: 200 },
  ExistigCustomerReferenceNumber: {},
};

function validate(body: Record<string, unknown>): string | undefined {
  for (const [name, rule] of Object.entries(LIMITS)) {
    const value = body[name];
    if (value === undefined || value === null || value === '') {
      if (rule.required) return `The ${name} field is required.`;
      continue;
    }
    if (typeof value !== 'string') return `The ${name} field must be a string.`;
    if (rule.max !== undefined && value.length > rule.max) {
      return `The field ${name} must be a string with a maximum length of ${rule.max}.`;
    }
  }
  if (body.HotTransfer !== undefined && typeof body.HotTransfer !== 'boolean') {
    return 'The HotTransfer field must be a boolean.';
  }
  return undefined;
}

export function takePaymentsSimulator(apiKey: string) {
  return new Hono().post('/umbraco/api/PartnerLeadsApi/Insert', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ note: 'The request body must be a JSON object.' }, 400);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return c.json({ note: 'The request body must be a JSON object.' }, 400);
    }
    const record = body as Record<string, unknown>;
    if (!opensAccount(apiKey, record.ApiKey)) return c.body(null, 401);
    const note = validate(record);
    if (note) return c.json({ note }, 400);
    return c.body(null, 200);
  });
}
