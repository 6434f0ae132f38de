/**
 * A sixth provider, added the way any provider is (fixture/pigeon.ts, one line in
 * fixture/index.ts, fixture/pigeon-simulator.ts), runs the same conformance suite as the five.
 */

import { expect } from 'vitest';
import type { ReceivedRequest } from '../../../demo/sandbox/recorder.ts';
import type { CanonicalLead } from '../../../edge/providers/types.ts';
import { testAdapter } from './conformance.ts';
import { pigeon } from './fixture/pigeon.ts';

const lead: CanonicalLead = {
  id: 'lead-pigeon-1',
  formId: 'pigeon-form',
  fields: { email: 'ada@example.com' },
  consent: {},
  context: {},
  ip: null,
  userAgent: null,
  createdAt: '2026-12-01T00:00:00.000Z',
};

testAdapter({
  adapter: pigeon,
  options: { loft: 'north' },
  secret: 'PIGEON_API_KEY' as keyof Env,
  lead,
  assertRequest: (received: ReceivedRequest) => {
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/pigeon/messages');
    expect(received.headers['x-pigeon-key']).toBe('sandbox-pigeon-key');
    expect(JSON.parse(received.body)).toEqual({ loft: 'north', id: 'lead-pigeon-1', email: 'ada@example.com' });
  },
  answers: [
    {
      name: 'a kept lead',
      status: 201,
      body: '{"ref":"pigeon-9"}',
      expected: { outcome: 'delivered', reference: 'pigeon-9' },
    },
    {
      name: 'a lead without an address',
      status: 422,
      body: '{"error":"A pigeon needs an address"}',
      expected: { outcome: 'rejected', reason: 'A pigeon needs an address' },
    },
  ],
  wrongKeyExpected: { reason: 'Unauthorised', httpStatus: 401 },
  malformed200: 'retryable',
});
