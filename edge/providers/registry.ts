/**
 * @module Every provider adapter, by name. A new provider is one file in this folder and one line here;
 * a test fails when a file exists that this list forgets.
 */
import { takepayments } from './takepayments.ts';
import type { ProviderAdapter } from './types.ts';

export const adapters = [takepayments] as const satisfies readonly ProviderAdapter[];

export type ProviderName = (typeof adapters)[number]['name'];

export function adapterFor(name: string): ProviderAdapter | undefined {
  return adapters.find((a) => a.name === name) as ProviderAdapter | undefined;
}
