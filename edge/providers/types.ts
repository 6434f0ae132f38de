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

export type DeliveryResult =
  | { outcome: 'delivered'; reference: string | null; httpStatus: number; response: string }
  | { outcome: 'rejected'; reason: string; httpStatus: number | null; response: string }
  | {
      outcome: 'retryable';
      reason: string;
      httpStatus: number | null;
      response: string;
      retryAfterSeconds?: number;
    };

/** Everything an adapter may use besides the lead: never the whole Env, so secrets stay scoped. */
export interface ProviderContext<Options> {
  options: Options;
  baseUrl: string;
  /** The provider's key, read from the secret the destination names. */
  apiKey: string;
  signal: AbortSignal;
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
  deliver(lead: CanonicalLead, context: ProviderContext<z.infer<Schema>>): Promise<DeliveryResult>;
}

/** Declares an adapter with its options type inferred from its schema. */
export function defineAdapter<Schema extends z.ZodType>(adapter: ProviderAdapter<Schema>): ProviderAdapter<Schema> {
  return adapter;
}
