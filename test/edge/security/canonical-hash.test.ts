import { describe, expect, it } from 'vitest';
import { canonicalHash } from '../../../edge/security/canonical-hash.ts';

describe('canonicalHash', () => {
  const lead = {
    fields: { firstName: 'Ada', lastName: 'Lovelace', address: { line1: '1 St', city: 'London' } },
    consent: { contact: true, marketing: false },
    context: { utm_source: 'google', renderedAt: 1 },
  };

  it('is the same whatever order the keys were written in, at every depth', async () => {
    const reordered = {
      context: { renderedAt: 1, utm_source: 'google' },
      consent: { marketing: false, contact: true },
      fields: { address: { city: 'London', line1: '1 St' }, lastName: 'Lovelace', firstName: 'Ada' },
    };
    expect(canonicalHash(reordered)).toBe(canonicalHash(lead));
  });

  it('differs when a value, a key or the order of a list differs', async () => {
    const hash = canonicalHash(lead);
    expect(canonicalHash({ ...lead, fields: { ...lead.fields, firstName: 'Ada ' } })).not.toBe(hash);
    expect(canonicalHash({ ...lead, consent: { contact: true, marketing: true } })).not.toBe(hash);
    expect(canonicalHash({ ...lead, website: '' })).not.toBe(hash);
    expect(canonicalHash({ offerIds: ['a', 'b'] })).not.toBe(canonicalHash({ offerIds: ['b', 'a'] }));
  });

  it('tells a string from the number it spells', async () => {
    expect(canonicalHash({ price: 1 })).not.toBe(canonicalHash({ price: '1' }));
  });
});
