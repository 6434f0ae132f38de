import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, expect } from 'vitest';
import { clearInterceptors, routeFetchToSandbox, sandbox, strayRequests } from './sandbox.ts';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

beforeEach(() => {
  sandbox.state.reset();
  strayRequests.length = 0;
  routeFetchToSandbox();
});

afterEach(() => {
  clearInterceptors();
  expect(strayRequests, 'no test may reach outside the sandbox').toEqual([]);
});
