/**
 * A stand-in relay for widget tests: answers the form definition and records lead posts, through
 * the page's own fetch. The relay itself is tested in workerd; here only the widget is under test,
 * so the stand-in keeps to the contract: every request and canned answer is checked against the
 * shared schemas, and a request it does not expect fails the test.
 */
import { apiErrorSchema } from '../../shared/errors.ts';
import { type PublicForm, publicFormSchema } from '../../shared/form.ts';
import { leadAcceptedSchema, leadSubmissionSchema } from '../../shared/lead.ts';
import {
  pingRequestSchema,
  pingResponseSchema,
  postRequestSchema,
  postResponseSchema,
} from '../../shared/ping-post.ts';

type Schema = { safeParse(value: unknown): { success: boolean; error?: { message: string } } };

export interface RelayCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

export const quoteForm: PublicForm = publicFormSchema.parse({
  id: 'quote',
  title: 'Get a quote',
  description: 'We will call you back.',
  fields: [
    { name: 'firstName', type: 'text', label: 'First name', required: true, maxLength: 200 },
    { name: 'email', type: 'email', label: 'Email', required: true, maxLength: 200 },
    { name: 'phone', type: 'tel', label: 'Phone', required: false, country: 'GB' },
    { name: 'message', type: 'textarea', label: 'Message', required: false, maxLength: 2000 },
  ],
  steps: [
    { title: 'You', fields: ['firstName', 'email'] },
    { title: 'Details', fields: ['phone', 'message'] },
  ],
  consents: [{ name: 'contact', text: 'You may contact me about my quote.', required: true }],
  pingPost: false,
  textsVersion: 'abcd1234',
});

type LeadAnswer = (call: RelayCall) => Response | Promise<Response>;

/** Answers for the ping/post routes, by the last part of their path. */
export interface PingPostAnswers {
  ping: LeadAnswer;
  post: LeadAnswer;
}

export function stubRelay(form: PublicForm = quoteForm, answerLead?: LeadAnswer, pingPost?: PingPostAnswers) {
  const calls: RelayCall[] = [];
  /** The funnel beacons the widget sent, parsed: they leave through sendBeacon, not fetch. */
  const beacons: { url: string; body: { events: { type: string }[]; utm_source?: string } }[] = [];
  const original = window.fetch;
  const originalBeacon = navigator.sendBeacon;
  navigator.sendBeacon = (url, data) => {
    beacons.push({ url: String(url), body: JSON.parse(String(data)) });
    return true;
  };
  /** What broke the contract: an unexpected request, or a request or canned answer off its schema. */
  const problems: string[] = [];
  const checked = async (response: Response | Promise<Response>, schema: Schema, what: string) => {
    const answer = await response;
    const body: unknown = await answer.clone().json();
    const result = (answer.ok ? schema : apiErrorSchema).safeParse(body);
    if (!result.success) problems.push(`${what} answer off its schema: ${result.error?.message}`);
    return answer;
  };
  const sent = (schema: Schema, body: unknown, what: string) => {
    const result = schema.safeParse(body);
    if (!result.success) problems.push(`${what} request off its schema: ${result.error?.message}`);
  };
  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.method === 'POST' ? await request.json() : undefined;
    const call = { url: request.url, method: request.method, headers: Object.fromEntries(request.headers), body };
    calls.push(call);
    if (request.method === 'GET' && request.url.endsWith(`/v1/forms/${form.id}`)) {
      return checked(Response.json(form), publicFormSchema, 'form');
    }
    if (pingPost && request.method === 'POST' && request.url.endsWith(`/v1/forms/${form.id}/ping`)) {
      sent(pingRequestSchema, body, 'ping');
      return checked(pingPost.ping(call), pingResponseSchema, 'ping');
    }
    if (pingPost && request.method === 'POST' && /\/sessions\/[^/]+\/post$/.test(request.url)) {
      sent(postRequestSchema, body, 'post');
      return checked(pingPost.post(call), postResponseSchema, 'post');
    }
    if (request.method === 'POST' && request.url.endsWith(`/v1/forms/${form.id}/leads`)) {
      sent(leadSubmissionSchema, body, 'lead');
      const answer = answerLead
        ? answerLead(call)
        : Response.json({ leadId: 'lead-1', status: 'accepted', deliveries: [] }, { status: 202 });
      return checked(answer, leadAcceptedSchema, 'lead');
    }
    if (request.method === 'GET' && /\/v1\/forms\/[^/]+$/.test(request.url)) {
      // Another form than the stub's: the relay's own answer to an unknown id.
      return Response.json({ error: { code: 'form_not_found', message: 'No form has this id' } }, { status: 404 });
    }
    problems.push(`unexpected request: ${request.method} ${request.url}`);
    return Response.json({ error: { code: 'not_found', message: 'No such route' } }, { status: 404 });
  };
  return {
    calls,
    beacons,
    /** Puts the page's own fetch back, failing the test if anything broke the contract. */
    restore: () => {
      window.fetch = original;
      navigator.sendBeacon = originalBeacon;
      if (problems.length > 0) throw new Error(problems.join('\n'));
    },
  };
}
