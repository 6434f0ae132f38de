/**
 * The storage bench (bench/storage.ts) runs inside workerd, as the relay does, with the real D1
 * shards and R2 bindings of wrangler.toml and every migration applied to each shard.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { SANDBOX_SECRETS } from '../../demo/sandbox/keys.ts';
import { build } from '../../tools/forms.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig(async () => {
  const forms = build(root, { LEAD_CAPTURE_DEMO: '1' });
  if (forms.problems.length > 0) throw new Error(forms.problems.join('\n'));
  return {
    root,
    plugins: [
      cloudflareTest({
        wrangler: { configPath: path.join(root, 'wrangler.toml') },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: await readD1Migrations(path.join(root, 'migrations')),
            ...SANDBOX_SECRETS,
            ENVIRONMENT: 'development',
            STORAGE_LEADS: process.env.STORAGE_LEADS ?? '100000',
          },
        },
      }),
    ],
    test: {
      include: ['bench/storage/storage.workerd.ts'],
      testTimeout: 3_600_000,
      hookTimeout: 600_000,
    },
  };
});
