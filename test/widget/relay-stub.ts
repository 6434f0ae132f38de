/**
 * A stand-in relay for widget tests: answers the form definition and records lead posts, through
 * the page's own fetch. The relay itself is tested in workerd; here only the widget is under test.
 */
import { type PublicForm, publicFormSchema } from '../../shared/form.ts';

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
  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.method === 'POST' ? await request.json() : undefined;
    const call = { url: request.url, method: request.method, headers: Object.fromEntries(request.headers), body };
    calls.push(call);
    if (request.method === 'GET' && request.url.endsWith(`/v1/forms/${form.id}`)) return Response.json(form);
    if (pingPost && request.method === 'POST' && request.url.endsWith(`/v1/forms/${form.id}/ping`)) {
      return pingPost.ping(call);
    }
    if (pingPost && request.method === 'POST' && /\/sessions\/[^/]+\/post$/.test(request.url)) {
      return pingPost.post(call);
    }
    if (request.method === 'POST' && request.url.endsWith(`/v1/forms/${form.id}/leads`)) {
      return answerLead
        ? answerLead(call)
        : Response.json({ leadId: 'lead-1', status: 'accepted', deliveries: [] }, { status: 202 });
    }
    return Response.json({ error: { code: 'form_not_found', message: 'No form has this id' } }, { status: 404 });
  };
  return {
    calls,
    beacons,
    restore: () => {
      window.fetch = original;
      navigator.sendBeacon = originalBeacon;
    },
  };
}
