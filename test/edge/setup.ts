import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, expect } from 'vitest';
import { shards } from '../../edge/storage/shards.ts';
import { clearInterceptors, routeFetchToSandbox, sandbox, strayRequests } from './sandbox.ts';

// Every shard has the same schema, as `npm start` and a deploy give it.
for (const { db } of shards(env)) await applyD1Migrations(db, env.TEST_MIGRATIONS);

beforeEach(() => {
  sandbox.state.reset();
  strayRequests.length = 0;
  routeFetchToSandbox();
});

afterEach(() => {
  clearInterceptors();
  expect(strayRequests, 'no test may reach outside the sandbox').toEqual([]);
});
