/**
 * The provider sandbox, inside the test isolate. Global fetch is routed here for `sandbox.test`
 * (the relay's base URLs in tests); the queue consumer runs in this isolate too, so it reaches the
 * same sandbox and tests can read what each provider received.
 */
import { vi } from 'vitest';
import { createSandbox } from '../../demo/sandbox/index.ts';
import { fixtureSimulators } from './providers/fixture/index.ts';

export const sandbox = createSandbox(undefined, { simulators: fixtureSimulators });

/** Requests that were neither for the sandbox nor expected: a test that makes one fails. */
export const strayRequests: string[] = [];

type Interceptor = (request: Request) => Promise<Response> | undefined;
const interceptors: Interceptor[] = [];

/** Lets one test answer requests to another host (e.g. Turnstile's siteverify). */
export function intercept(handler: Interceptor): void {
  interceptors.push(handler);
}

export function clearInterceptors(): void {
  interceptors.length = 0;
}

function abortable(response: Promise<Response>, signal: AbortSignal | null | undefined): Promise<Response> {
  if (!signal) return response;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    response.then(resolve, reject);
  });
}

export function routeFetchToSandbox(): void {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.host === 'sandbox.test') return abortable(Promise.resolve(sandbox.app.fetch(request)), request.signal);
    for (const handler of interceptors) {
      const answer = handler(request);
      if (answer) return answer;
    }
    strayRequests.push(request.url);
    throw new Error(`unexpected outbound request to ${request.url}`);
  });
}
