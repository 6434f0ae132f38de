/**
 * @module What every provider adapter is: a zod options schema, a request built from the canonical
 * lead, and the provider's answer read into one DeliveryResult. Adapters never throw for an answer
 * they understand; a thrown error (network, timeout) is retryable by definition.
 */
import type { z } from 'zod';
import type { LeadContext } from '../../shared/lead.ts';

/** A lead as the relay stored it: what every adapter builds its request from. */
export interface CanonicalLead {
  id: string;
  formId: string;
  fields: Record<string, string | boolean>;
  consent: Record<string, boolean>;
  context: LeadContext;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  /** For a lead that answers a LeadExec ping: the order and the offers the consumer chose. */
  pingPost?: { orderId: string; offerIds: string[] };
}

/** A form field's text answer, or undefined when the field was not answered (or is a checkbox). */
export function fieldText(lead: CanonicalLead, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const value = lead.fields[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** What a delivery may hand the consumer at once: the buyer's page to go to, or the agent to call. */
export interface Handoff {
  redirectUrl?: string;
  transfer?: { agentName: string; agentPhone: string };
}

export type DeliveryResult =
  | { outcome: 'delivered'; reference: string | null; httpStatus: number; response: string; handoff?: Handoff }
  | { outcome: 'rejected'; reason: string; httpStatus: number | null; response: string }
  | {
      outcome: 'retryable';
      reason: string;
      httpStatus: number | null;
      response: string;
      retryAfterSeconds?: number;
    };

/** Where a provider request goes: the network, or for a dry run nowhere (see http.ts). */
export type Transport = (url: string, init: RequestInit) => Promise<Response>;

/** Everything an adapter may use besides the lead: never the whole Env, so secrets stay scoped. */
export interface ProviderContext<Options> {
  options: Options;
  baseUrl: string;
  /** The provider's key, read from the secret the destination names. */
  apiKey: string;
  signal: AbortSignal;
  /** Default: fetch. */
  transport?: Transport;
}

/**
 * A provider call that follows a lead's delivery and carries an operator's choice or changed data
 * (a LeadExec update, a Getlead status change…): stored and run as a step, with the delivery's
 * retries, dead letter and replay. `reference` is the provider's id of the delivered lead.
 */
export interface StepDefinition<Options> {
  /** The step's parameters as an operator gives them (the admin API checks them against this). */
  readonly schema: z.ZodType;
  run(
    lead: CanonicalLead,
    payload: unknown,
    context: ProviderContext<Options>,
    reference: string | null,
  ): Promise<DeliveryResult>;
}

/** Declares a step with its parameters' type inferred from its schema; they are parsed again before it runs. */
export function defineStep<Options, Schema extends z.ZodType>(
  schema: Schema,
  run: (
    lead: CanonicalLead,
    payload: z.infer<Schema>,
    context: ProviderContext<Options>,
    reference: string | null,
  ) => Promise<DeliveryResult>,
): StepDefinition<Options> {
  return { schema, run: (lead, payload, context, reference) => run(lead, schema.parse(payload), context, reference) };
}

/** A step a delivery brings with it: one of its adapter's `steps`, with its parameters. */
export interface FollowUp {
  kind: string;
  payload: unknown;
}

/** What a provider's cancel came to: its answer's status, and its reason when it did not cancel. */
export interface CancelResult {
  cancelled: boolean;
  warning?: string;
  httpStatus: number | null;
}

/** A provider's account of a lead: the id it was asked by and what it answered, or that it did not. */
export type ProviderStatus = { answered: true; requestId: string; results: unknown } | { answered: false };

/** An offer a provider makes the consumer before it has the lead (ping/post), in its own words. */
export interface ProviderOffer {
  offerId: string;
  companyName: string;
  companyPhoneNumber: string;
  name: string;
  description: string;
  type: string;
  price: number | undefined;
  url: string;
  /** The seller's own consent text, where it must be shown instead of the form's default. */
  consentText?: string;
  privacyUrl?: string;
  termsUrl?: string;
}

/** What a ping came to: offers under an order, none (the form's fallback decides), or a refusal. */
export type PingOutcome =
  | { outcome: 'offers'; orderId: string; expiresOn: string; offers: ProviderOffer[] }
  | { outcome: 'none'; reason?: string }
  | { outcome: 'refused'; reason: string };

/**
 * Ping/post: the provider offers the consumer its buyers before it has the lead, the consumer
 * consents to some, and the lead is posted against the order with them (`lead.pingPost`).
 */
export interface PingCapability<Options> {
  /** Whether this destination is the one a ping/post form pings. */
  pings(options: Options): boolean;
  /** A form setting this destination cannot honour, said as the start-up check says it. */
  refuses?(options: Options, settings: { duplicateCheck: boolean }): string | undefined;
  /** The answers a ping sends: a post must carry the same ones it got its offers for. */
  pinged(fields: CanonicalLead['fields'], options: Options): Record<string, string>;
  /** Asks for offers; with `duplicateCheck`, first whether the person is one the provider has. */
  ping(
    fields: CanonicalLead['fields'],
    context: ProviderContext<Options>,
    settings: { duplicateCheck: boolean },
  ): Promise<PingOutcome>;
}

/** What a dry run of one destination came to. */
export interface DryRunResult {
  ok: boolean;
  message: string;
}

export interface ProviderAdapter<Schema extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** The destination's options, checked when the relay starts. */
  readonly optionsSchema: Schema;
  /** The secret that holds the key when the destination names none. */
  readonly defaultSecret: string;
  /** The variable that holds the base URL; the paths after it are the provider's own. */
  readonly baseUrlVar: string;
  /** The form fields this provider cannot do without, given these options. */
  requiredFields(options: z.infer<Schema>): readonly string[];
  /**
   * The countries (ISO 3166-1 alpha-2) whose phone numbers the provider takes, by their calling
   * codes: a form whose phone field takes any other is refused at start-up. Undefined: any country.
   */
  readonly phoneCountries?: readonly string[];
  deliver(lead: CanonicalLead, context: ProviderContext<z.infer<Schema>>): Promise<DeliveryResult>;
  /**
   * For a destination whose answer is for the consumer (a redirect, an agent): how long the consumer
   * may wait for its first attempt, made inside the request. Undefined: it goes on the queue.
   */
  immediateTimeoutMs?(options: z.infer<Schema>): number | undefined;
  /**
   * A dry run that the provider itself offers (the dialler's test mode). Without one, a dry run
   * builds and checks the request as `deliver` does and stops before it leaves.
   */
  dryRun?(lead: CanonicalLead, context: ProviderContext<z.infer<Schema>>): Promise<DryRunResult>;
  /** Ping/post, for a provider that offers buyers before it has the lead (LeadExec). */
  readonly ping?: PingCapability<z.infer<Schema>>;
  /**
   * Takes back a lead the provider has (the dialler's cancel), for an operator and for erasure:
   * whether it was, and the provider's reason when not.
   */
  cancel?(lead: CanonicalLead, context: ProviderContext<z.infer<Schema>>): Promise<CancelResult>;
  /**
   * The provider's own account of a lead it has (LeadExec's request status), from the answers of
   * its delivered attempts; undefined when those answers name nothing to ask about.
   */
  requestStatus?(
    deliveredAnswers: readonly string[],
    context: ProviderContext<z.infer<Schema>>,
  ): Promise<ProviderStatus | undefined>;
  /** The steps an operator can run on a lead this provider has, by kind. */
  readonly steps?: Readonly<Record<string, StepDefinition<z.infer<Schema>>>>;
  /**
   * The steps a delivery brings with it (Getlead's configured follow-ups, LeadExec's accept of each
   * offer the consumer chose): stored with the lead, run once its delivery is delivered.
   */
  followUps?(lead: CanonicalLead, options: z.infer<Schema>): readonly FollowUp[];
}

/** Declares an adapter with its options type inferred from its schema. */
export function defineAdapter<Schema extends z.ZodType>(adapter: ProviderAdapter<Schema>): ProviderAdapter<Schema> {
  return adapter;
}
