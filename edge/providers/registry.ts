/**
 * @module Every provider adapter, by name. A new provider is one file in this folder and one line here;
 * a test fails when a file exists that this list forgets.
 */
import { cap } from './cap.ts';
import { dialler } from './dialler.ts';
import { getlead } from './getlead.ts';
import { leadexec } from './leadexec/index.ts';
import { takepayments } from './takepayments.ts';
import type { ProviderAdapter } from './types.ts';

export const adapters = [takepayments, dialler, cap, getlead, leadexec] as const satisfies readonly ProviderAdapter[];

export type ProviderName = (typeof adapters)[number]['name'];

export function adapterFor(name: string): ProviderAdapter | undefined {
  return adapters.find((a) => a.name === name) as ProviderAdapter | undefined;
}
