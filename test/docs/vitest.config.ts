/**
 * Tests of the documents themselves: they read Markdown and the manifests in Node, start nothing,
 * and take about a second, so they get a config of their own rather than the end-to-end one's
 * Chromium-sized timeouts.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/docs/**/*.test.ts'],
    environment: 'node',
  },
});
