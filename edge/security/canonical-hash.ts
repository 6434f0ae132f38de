/**
 * @module The hash an Idempotency-Key (or an answered session) is bound to. JSON objects are
 * unordered, so two bodies that differ only in the order of their keys are the same request: keys
 * are sorted, at every depth, before hashing. Arrays keep their order, which means something.
 */
import { sha256Hex } from '../intake/checks.ts';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  // Sorted by code unit, not localeCompare: the order must not depend on the runtime's locale data.
  const keys = Object.keys(value).sort();
  return Object.fromEntries(keys.map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
}

/** SHA-256 (hex) of `value` as JSON with every object's keys in sorted order. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(JSON.stringify(canonical(value)));
}
