/**
 * @module Resolves a stored delivery to what its adapter needs: the form's destination, the base URL
 * from configuration and the key from the secret it names. Base URLs never come from a client.
 */
import { forms } from '../forms/index.ts';
import type { Destination } from '../forms/schema.ts';
import { adapterFor } from '../providers/registry.ts';
import type { CanonicalLead, FollowUp, ProviderAdapter } from '../providers/types.ts';

export interface ResolvedDestination {
  adapter: ProviderAdapter;
  destination: Destination;
  baseUrl: string;
  apiKey: string;
}

export class ConfigurationError extends Error {}

function envValue(env: Env, name: string): string | undefined {
  const value = (env as unknown as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function resolveDestination(env: Env, formId: string, index: number): ResolvedDestination {
  const destination = forms.get(formId)?.destinations[index];
  if (!destination) throw new ConfigurationError(`form ${formId} has no destination ${index}`);
  const adapter = adapterFor(destination.provider);
  if (!adapter) throw new ConfigurationError(`no adapter named ${destination.provider}`);
  const baseUrl = envValue(env, adapter.baseUrlVar)?.replace(/\/+$/, '');
  if (!baseUrl) throw new ConfigurationError(`${adapter.baseUrlVar} is not set`);
  if (!baseUrl.startsWith('https://') && env.ENVIRONMENT !== 'development') {
    throw new ConfigurationError(`${adapter.baseUrlVar} must be https outside local development`);
  }
  const secret = destination.apiKeySecret ?? adapter.defaultSecret;
  const apiKey = envValue(env, secret);
  if (!apiKey) throw new ConfigurationError(`the secret ${secret} is not set`);
  return { adapter, destination, baseUrl, apiKey };
}

/**
 * How long a consumer waits for this destination's first attempt, made inside the request because
 * its answer is for them (a redirect, an agent); undefined when it simply goes on the queue.
 */
export function immediateTimeoutMs(destination: Destination): number | undefined {
  return adapterFor(destination.provider)?.immediateTimeoutMs?.(destination.options as never);
}

/** The steps this destination's delivery of the lead brings with it (see ProviderAdapter.followUps). */
export function followUpsOf(destination: Destination | undefined, lead: CanonicalLead): readonly FollowUp[] {
  if (!destination) return [];
  return adapterFor(destination.provider)?.followUps?.(lead, destination.options as never) ?? [];
}
