/**
 * @module The LeadExec simulator's XML answers, named as the document's XML examples name them.
 */
import type { Context } from 'hono';
import type { Format, LeadResult, Offer } from './model.ts';
import { XMLNS, XMLNS_RESULTS, xmlBuilder } from './requests.ts';

export const xmlBool = (value: boolean) => String(value);

export function xmlOffer(offer: Offer) {
  return {
    Id: offer.offerId,
    CompanyName: offer.companyName,
    CompanyPhoneNumber: offer.companyPhoneNumber,
    Name: offer.name,
    Description: offer.description,
    Type: offer.type,
    Price: offer.price.toFixed(2),
    Url: offer.url,
    TCPAInformation: {
      // The document writes this one capitalised (.NET's bool.ToString()).
      CustomTCPATextRequired: offer.tcpaInformation.customTCPATextRequired ? 'True' : 'False',
      TCPAText: offer.tcpaInformation.tcpaText,
      PrivacyUrl: offer.tcpaInformation.privacyURL,
      TermsUrl: offer.tcpaInformation.termsURL,
    },
  };
}

export function xmlLeadResult(result: LeadResult) {
  const element: Record<string, unknown> = {
    IsValid: xmlBool(result.isValid),
    ResponseType: result.responseType,
    ResponseMessage: result.responseMessage,
    LeadIdentifier: result.leadId,
    CampaignIdentifier: result.campaignId,
    IsPendingReview: xmlBool(result.isPendingReview),
    Price: result.price,
  };
  if (result.offers) element.Offers = { Offer: result.offers.map(xmlOffer) };
  if (result.sends) {
    element.Sends = {
      Send: result.sends.map((s) => ({
        ClientUID: s.clientId,
        ClientName: s.clientName,
        RedirectURL: s.redirectURL,
        Valid: xmlBool(s.valid),
        Price: s.price.toFixed(2),
      })),
    };
  }
  if (result.client) {
    // The document's XML transfer example answers `<Sends><Send>` with the sends' elements; the agent
    // its JSON answers is added in the same naming pattern.
    element.Sends = {
      Send: result.client.map((t) => ({
        ClientUID: t.clientId,
        ClientName: t.clientName,
        RedirectURL: '',
        Valid: xmlBool(true),
        Price: result.price.toFixed(2),
        AgentName: t.agentName,
        AgentPhone: t.agentPhone,
      })),
    };
  }
  return element;
}

export function xmlAnswer(root: string, item: string, requestId: string, results: unknown[]): string {
  return xmlBuilder.build({
    [root]: { ...XMLNS, RequestId: requestId, Results: { ...XMLNS_RESULTS, [`d2p1:${item}`]: results } },
  });
}

export function respond(c: Context, format: Format, json: unknown, xml: () => string, status: 200 | 404 = 200) {
  if (format === 'json') return c.json(json, status);
  return c.body(xml(), status, { 'content-type': 'application/xml; charset=utf-8' });
}
