/**
 * Leads with consent evidence, made as a partner page would make them, for the certificate and
 * snapshot tests: a plain lead with its form's consent ticked, and a ping/post lead with one offer
 * chosen of the two the LeadExec simulator offers.
 */
import type { PingResponse } from '../../../shared/ping-post.ts';
import { PAGE_ORIGIN, postLead, relay, solarAnswers, validTakePaymentsLead } from '../helpers.ts';

export const TAKEPAYMENTS_CONSENT = 'I agree that takepayments may contact me about card payment services.';

/** The consent section as the widget renders it, ticked, with Lit's markers already stripped. */
export const TAKEPAYMENTS_MARKUP = `<div class="check" part="consent"> <input id="lc-consent-contact" type="checkbox" part="checkbox" required="" aria-invalid="false" checked=""> <label for="lc-consent-contact" part="consent-text">${TAKEPAYMENTS_CONSENT}</label>  </div>`;

export const TRUSTEDFORM_CERT_URL = 'https://cert.trustedform.com/454a35b802f3e7b63ffabb4efedb7c6ebe67886c';
export const LEADID_TOKEN = '6F2B1C3A-9D4E-4B7A-8C1D-2E3F4A5B6C7D';

/** What a test adds to a lead: the snapshot, and context beside the page's own. */
export interface Extra {
  consentMarkup?: string;
  context?: Record<string, unknown>;
}

export interface Sent {
  leadId: string;
  ip: string;
  userAgent: string;
}

/** A plain lead on demo-takepayments from `ip`, with `extra` merged into the submission. */
export async function plainLead({ context, ...extra }: Extra = {}, ip = '192.0.2.10'): Promise<Sent> {
  const userAgent = 'Mozilla/5.0 (certificate test)';
  const response = await postLead(
    'demo-takepayments',
    {
      ...validTakePaymentsLead,
      fields: { ...validTakePaymentsLead.fields, email: `ada.${crypto.randomUUID()}@example.com` },
      context: { ...validTakePaymentsLead.context, ...context },
      ...extra,
    },
    { 'cf-connecting-ip': ip, 'user-agent': userAgent },
  );
  if (response.status !== 202) throw new Error(`the lead was refused: ${await response.text()}`);
  const { leadId } = (await response.json()) as { leadId: string };
  return { leadId, ip, userAgent };
}

function send(path: string, body: unknown, ip: string, userAgent: string) {
  return relay(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: PAGE_ORIGIN,
      'cf-connecting-ip': ip,
      'user-agent': userAgent,
    },
    body: JSON.stringify(body),
  });
}

/**
 * A ping/post lead on demo-leadexec (or `formId`): pinged, then posted with the second offer chosen
 * and `extra` merged into the post. Answers the offers as shown too.
 */
export async function pingPostLead(
  { context: extraContext, ...extra }: Extra = {},
  { formId = 'demo-leadexec', ip = '198.51.100.20' } = {},
): Promise<Sent & { offers: PingResponse['offers'] }> {
  const userAgent = 'Mozilla/5.0 (ping/post certificate test)';
  const fields = solarAnswers();
  const context = { pageUrl: `${PAGE_ORIGIN}/solar?utm_source=test` };
  const pinged = (await (
    await send(`/v1/forms/${formId}/ping`, { fields, context }, ip, userAgent)
  ).json()) as PingResponse;
  if (!pinged.willAccept) throw new Error('the simulator offered nothing');
  const chosen = pinged.offers[1]?.offerId ?? '';
  const response = await send(
    `/v1/forms/${formId}/sessions/${pinged.sessionId}/post`,
    { fields, offerIds: [chosen], consent: {}, context: { ...context, ...extraContext }, ...extra },
    ip,
    userAgent,
  );
  if (response.status >= 300) throw new Error(`the post was refused: ${await response.text()}`);
  const { leadId } = (await response.json()) as { leadId: string };
  return { leadId, ip, userAgent, offers: pinged.offers };
}
