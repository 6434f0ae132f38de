/**
 * @module The LeadExec simulator's settings, the demo forms' sources and the shapes it stores.
 */
import { demoForms } from '../../forms/index.ts';

/** A LeadExec source: the vid and lid an insert names. */
export interface LeadExecSource {
  vid: number;
  lid: number;
}

export interface LeadExecSimulatorSettings {
  /** How long a ping's order stays open, in ms. Default five minutes. */
  orderTtlMs: number;
  /** Whether every source of the account may use "insert with sends". Default false. */
  sendsApproved: boolean;
  /** The sources approved for "insert with sends". Default: the demo forms' `mode: "sends"` destinations. */
  sendsApprovedSources: LeadExecSource[];
  /** The fields the posting document requires on every insert. Default FirstName and LastName. */
  requiredFields: string[];
  /** Per lead type (lid), the fields its posting document requires instead. Default: none. */
  requiredFieldsByLeadType: Record<number, string[]>;
  /** Where an approved send takes the consumer. Default: the buyer's https page; `npm start` points it at the sandbox's own. */
  buyerPageUrl: string;
  /**
   * The fields the posting document types as consent evidence, and as which: a TrustedForm
   * certificate URL (LeadExec's TrustedForm integration claims it) or a Jornaya LeadiD. A value of
   * another shape is Data_Errors. Default: `TrustedFormCertUrl` and `LeadiD`, as the demo forms map them.
   */
  consentTokenFields: Record<string, ConsentToken>;
}

export type ConsentToken = 'trustedform' | 'leadid';

/** What each consent token looks like, as the vendors document them. */
export const CONSENT_TOKEN_SHAPES: Record<ConsentToken, { name: string; valid: (value: string) => boolean }> = {
  trustedform: {
    name: 'a TrustedForm certificate URL',
    valid: (value) => {
      const url = URL.parse(value);
      return url?.protocol === 'https:' && url.hostname === 'cert.trustedform.com' && url.pathname.length > 1;
    },
  },
  leadid: {
    name: 'a Jornaya LeadiD',
    valid: (value) => /^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$/i.test(value),
  },
};

/** Every insert example in the document carries these two fields; the rest are "dynamic". */
export const DEFAULT_REQUIRED_FIELDS = ['FirstName', 'LastName'];

interface DemoDestination {
  provider: string;
  options: Record<string, unknown>;
}

/** The vid and lid of each demo LeadExec destination that inserts with sends. */
export function demoSendsSources(
  forms: readonly { destinations: readonly DemoDestination[] }[] = demoForms,
): LeadExecSource[] {
  return forms.flatMap((form) =>
    form.destinations.flatMap(({ provider, options }) =>
      provider === 'leadexec' && options.mode === 'sends'
        ? [{ vid: Number(options.vid), lid: Number(options.lid) }]
        : [],
    ),
  );
}

export type Format = 'json' | 'xml';
export type InsertKind = 'general' | 'transfer' | 'calldata';

export interface Source {
  vid: number;
  lid: number;
  aid: number;
  /** Hours to delay sending; `missing` or `invalid` when the request did not give a usable one. */
  sendDelay: number | 'missing' | 'invalid';
}

export interface IncomingLead {
  properties: Record<string, unknown>;
  fields: Record<string, string>;
}

export interface IncomingRequest {
  source: Source;
  leads: IncomingLead[];
}

export interface Offer {
  offerId: string;
  companyName: string;
  companyPhoneNumber: string;
  name: string;
  description: string;
  type: 'Monthly' | 'Yearly';
  price: number;
  url: string;
  tcpaInformation: { customTCPATextRequired: boolean; tcpaText: string; privacyURL: string; termsURL: string };
}

export interface Order {
  orderId: string;
  expiresAt: number;
  campaignId: number;
  estimatedPayout: number;
  offers: Offer[];
  used: boolean;
}

export interface StoredLead {
  leadId: number;
  email: string;
  phone: string;
  fields: Record<string, string>;
  campaignId: number;
  receivedOn: string;
  offers: Offer[];
  acceptedOffers: Set<string>;
}

export interface LeadResult {
  isValid: boolean;
  responseType: string;
  responseMessage: string;
  leadId: number;
  campaignId: number;
  isPendingReview: boolean;
  price: number;
  offers?: Offer[];
  sends?: { clientId: number; clientName: string; redirectURL: string; valid: boolean; price: number }[];
  client?: { clientId: number; clientName: string; agentName: string; agentPhone: string }[];
}

export interface StatusEntry {
  leadId: number;
  isValid: boolean;
  rejectionReason: string;
  campaignId: number;
  dateReceived: string;
}

/** A ZIP no buyer covers: pings for it are answered `willAccept: false`. */
