/**
 * The conformance suite every provider adapter runs in a few lines: a lead delivered to its sandbox
 * simulator in the documented shape with the key where the document puts it, a wrong key refused,
 * every documented answer read into the right result, and the failures every provider shares
 * (5xx, 429 with Retry-After, network error, timeout) retryable.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { ReceivedRequest } from '../../../demo/sandbox/recorder.ts';
import type { CanonicalLead, DeliveryResult, ProviderAdapter } from '../../../edge/providers/types.ts';
import { sandbox } from '../sandbox.ts';

/** One answer the provider's document shows, and what the adapter must make of it. */
export interface DocumentedAnswer {
  name: string;
  status: number;
  body: string;
  headers?: Record<string, string>;
  expected: Partial<DeliveryResult> & { outcome: DeliveryResult['outcome'] };
}

export interface AdapterSuite {
  adapter: ProviderAdapter;
  /** The adapter's options, as a form's destination would configure them. */
  options: unknown;
  /** The env secret holding the sandbox's key for this provider. */
  secret: keyof Env;
  lead: CanonicalLead;
  /** Asserts the request the simulator received is exactly the documented shape. */
  assertRequest: (received: ReceivedRequest, lead: CanonicalLead) => void;
  /** Every answer the document shows. */
  answers: readonly DocumentedAnswer[];
  /** What a refused key comes back as (401 for most; some providers say no with HTTP 200). */
  wrongKeyExpected?: Partial<DeliveryResult>;
  /**
   * What an unreadable 200 body means for this provider: `delivered` where the document defines
   * success by status alone, otherwise `retryable` (we cannot tell, and losing a lead is worse).
   */
  malformed200: DeliveryResult['outcome'];
}

export function baseUrlOf(adapter: ProviderAdapter): string {
  return String((env as unknown as Record<string, string>)[adapter.baseUrlVar]);
}

export function deliverWith(suite: AdapterSuite, apiKey?: string, timeoutMs = 1000): Promise<DeliveryResult> {
  const parsedOptions = suite.adapter.optionsSchema.parse(suite.options);
  return suite.adapter.deliver(suite.lead, {
    options: parsedOptions,
    baseUrl: baseUrlOf(suite.adapter),
    apiKey: apiKey ?? String(env[suite.secret]),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

export function testAdapter(suite: AdapterSuite): void {
  const provider = suite.adapter.name;

  describe(`${provider}: against its simulator`, () => {
    it('delivers a lead in the documented shape', async () => {
      const result = await deliverWith(suite);
      expect(result.outcome).toBe('delivered');
      const received = sandbox.state.receivedBy(provider);
      expect(received.length).toBeGreaterThan(0);
      suite.assertRequest(received[0] as ReceivedRequest, suite.lead);
    });

    it('is refused with a wrong key, and does not retry that', async () => {
      const result = await deliverWith(suite, 'wrong-key');
      expect(result).toMatchObject({ outcome: 'rejected', ...suite.wrongKeyExpected });
    });

    it('never puts the key in what the attempt log keeps', async () => {
      const result = await deliverWith(suite, 'wrong-key-zzz');
      expect(result.response).not.toContain('wrong-key-zzz');
      if (result.outcome !== 'delivered') expect(result.reason).not.toContain('wrong-key-zzz');
    });
  });

  describe(`${provider}: every documented answer`, () => {
    for (const answer of suite.answers) {
      it(`reads ${answer.name} as ${answer.expected.outcome}`, async () => {
        const fault = { kind: 'status' as const, status: answer.status, body: answer.body };
        sandbox.state.addFault(provider, { fault, times: 1 });
        const result = await deliverWith(suite);
        expect(result).toMatchObject(answer.expected);
      });
    }
  });

  describe(`${provider}: failures every provider shares`, () => {
    it('retries a 503', async () => {
      sandbox.state.addFault(provider, { fault: { kind: 'status', status: 503 }, times: 1 });
      expect(await deliverWith(suite)).toMatchObject({ outcome: 'retryable', httpStatus: 503 });
    });

    it('retries a 429 after its Retry-After', async () => {
      sandbox.state.addFault(provider, { fault: { kind: 'status', status: 429, retryAfter: 30 }, times: 1 });
      expect(await deliverWith(suite)).toMatchObject({ outcome: 'retryable', httpStatus: 429, retryAfterSeconds: 30 });
    });

    it('lets a timeout surface as an abort, which the consumer retries', async () => {
      sandbox.state.addFault(provider, { fault: { kind: 'hang' }, times: 1 });
      await expect(deliverWith(suite, undefined, 50)).rejects.toThrow();
    });

    it(`reads an unreadable 200 body as ${suite.malformed200}`, async () => {
      sandbox.state.addFault(provider, { fault: { kind: 'malformed' }, times: 1 });
      expect((await deliverWith(suite)).outcome).toBe(suite.malformed200);
    });
  });
}
