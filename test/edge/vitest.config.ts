/**
 * Relay tests run inside workerd through `@cloudflare/vitest-plugin`, with the real D1, Queue and
 * Durable Object bindings from wrangler.toml. Base URLs point at `sandbox.test`, which the setup
 * file routes to the in-process provider sandbox; any other outbound request fails the test.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { SANDBOX_SECRETS } from '../../demo/sandbox/keys.ts';
import { adapters } from '../../edge/providers/registry.ts';
import { build } from '../../tools/forms.ts';
import { FIXTURE_KEYS, fixtureAdapters } from './providers/fixture/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SANDBOX = 'http://sandbox.test';

export default defineConfig(async () => {
  // The relay serves the forms a build gathered; the tests use the demo's, as `npm start` does.
  const forms = build(root, { LEAD_CAPTURE_DEMO: '1' });
  if (forms.problems.length > 0) throw new Error(forms.problems.join('\n'));
  const migrations = await readD1Migrations(path.join(root, 'migrations'));
  return {
    root,
    plugins: [
      cloudflareTest({
        wrangler: { configPath: path.join(root, 'wrangler.toml') },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ...SANDBOX_SECRETS,
            ENVIRONMENT: 'development',
            ...FIXTURE_KEYS,
            ...Object.fromEntries(
              [...adapters, ...fixtureAdapters].map((adapter) => [adapter.baseUrlVar, `${SANDBOX}/${adapter.name}`]),
            ),
            ALERT_WEBHOOK_URL: `${SANDBOX}/_sandbox/alerts`,
            DELIVERY_MAX_ATTEMPTS: '3',
            DELIVERY_BACKOFF_SECONDS: '1',
            DELIVERY_TIMEOUT_MS: '500',
          },
        },
      }),
    ],
    test: {
      include: ['test/edge/**/*.test.ts', 'test/shared/**/*.test.ts', 'test/demo/**/*.test.ts'],
      setupFiles: ['test/edge/setup.ts'],
      testTimeout: 20_000,
    },
  };
});
