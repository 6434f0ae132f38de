import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { adapters } from '../../../edge/providers/registry.ts';
import { sandbox } from '../sandbox.ts';

// Every module in edge/providers/ except the shared ones is an adapter and must be registered; an
// adapter that outgrew one file is a folder with an index.ts.
const SHARED_MODULES = new Set(['types', 'http', 'registry']);
const files = Object.keys(import.meta.glob(['../../../edge/providers/*.ts', '../../../edge/providers/*/index.ts']))
  .map((path) => path.replace(/^.*edge\/providers\//, '').replace(/(\/index)?\.ts$/, ''))
  .filter((name) => !SHARED_MODULES.has(name));

describe('the provider registry', () => {
  it('registers every adapter file in edge/providers', () => {
    expect(adapters.map((a) => a.name).sort()).toEqual(files.sort());
  });

  it('gives every adapter a distinct name, secret and base URL variable', () => {
    expect(new Set(adapters.map((a) => a.name)).size).toBe(adapters.length);
    expect(new Set(adapters.map((a) => a.defaultSecret)).size).toBe(adapters.length);
    expect(new Set(adapters.map((a) => a.baseUrlVar)).size).toBe(adapters.length);
  });

  it('has a simulator in the sandbox for every provider', () => {
    expect(Object.keys(sandbox.simulators)).toEqual(expect.arrayContaining(adapters.map((a) => a.name)));
  });

  it('names a secret and a base URL variable the Worker is given', () => {
    const bindings = env as unknown as Record<string, unknown>;
    for (const adapter of adapters) {
      expect(typeof bindings[adapter.defaultSecret], adapter.defaultSecret).toBe('string');
      expect(bindings[adapter.baseUrlVar], adapter.baseUrlVar).toMatch(/^http:\/\/sandbox\.test\//);
    }
  });
});
