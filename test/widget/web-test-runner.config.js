// Widget tests in real headless Chromium (Debian's, never a downloaded one), TypeScript through esbuild.
// Node 22 strips the types of test/chromium.ts, so the browser's path and flags live in one place.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, chromiumPath } from '../chromium.ts';

export default {
  rootDir: '.',
  files: ['test/widget/**/*.test.ts'],
  nodeResolve: { exportConditions: ['production', 'default'] },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
  browsers: [
    chromeLauncher({ launchOptions: { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS } }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html lang="en-GB"><head><script src="/node_modules/axe-core/axe.min.js"></script></head>
    <body><script type="module" src="${testFramework}"></script></body></html>`,
};
