/**
 * `npm test`: typecheck, lint, the documents' commands, build, the npm package's checks (publint, attw), then the relay tests
 * (workerd), the widget tests (Chromium) and the end-to-end tests (the demo in Chromium), ending
 * with one line that counts every test.
 * Chromium comes from CHROME_PATH or Debian's /usr/bin/chromium; as root with apt-get it is
 * installed here, otherwise the run stops with a one-line instruction.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromiumPath } from './chromium.ts';

const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

function ensureChromium(): string {
  const found = chromiumPath();
  if (found) return found;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('[test] installing Debian chromium with apt-get');
    const apt = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: apt });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: apt });
    const installed = chromiumPath();
    if (installed) return installed;
  }
  console.error(
    'Chromium not found: install it (sudo apt-get install -y chromium) or set CHROME_PATH to a Chromium binary.',
  );
  process.exit(1);
}

interface StepResult {
  name: string;
  ok: boolean;
  passed: number;
  failed: number;
}

/** Runs a command, echoing its output, and returns it for counting. */
function run(
  command: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code) => resolve({ ok: code === 0, output }));
  });
}

async function vitestStep(name: string, config: string): Promise<StepResult> {
  const report = path.join(mkdtempSync(path.join(tmpdir(), 'lead-capture-test-')), 'report.json');
  const { ok } = await run('vitest', [
    'run',
    '--config',
    config,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]);
  const json = existsSync(report)
    ? (JSON.parse(readFileSync(report, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        numTotalTests: number;
      })
    : undefined;
  const passed = json?.numPassedTests ?? 0;
  const failed = json ? json.numTotalTests - json.numPassedTests : 1;
  return { name, ok: ok && passed > 0 && failed === 0, passed, failed };
}

async function checkStep(name: string, command: string, args: string[]): Promise<StepResult> {
  const { ok } = await run(command, args);
  return { name, ok, passed: 0, failed: 0 };
}

/**
 * The widget's cap (issue "The widget as a product": widget.js, gzip, at most 15 KB). Counted as
 * 15,000 bytes, the stricter reading of "KB"; the aim is 12 KB, reported by `npm run bench`.
 */
const WIDGET_GZIP_BUDGET = 15_000;

function checkWidgetSize(): StepResult {
  const bytes = gzipSync(readFileSync('dist/assets/widget.js'), { level: 9 }).length;
  const ok = bytes <= WIDGET_GZIP_BUDGET;
  console.log(`[test] widget.js is ${bytes} bytes gzip (budget ${WIDGET_GZIP_BUDGET})`);
  return { name: `widget.js gzip size ${bytes} ≤ ${WIDGET_GZIP_BUDGET}`, ok, passed: 0, failed: 0 };
}

/**
 * publint on the package `npm pack dist/npm` publishes. `--strict` fails on its warnings; its
 * suggestions never set the exit code, so the step fails on them here.
 */
async function publintStep(): Promise<StepResult> {
  const { ok, output } = await run('publint', ['run', '--strict', 'dist/npm']);
  return { name: 'publint --strict dist/npm', ok: ok && !output.includes('Suggestions:'), passed: 0, failed: 0 };
}

const chrome = ensureChromium();
const results: StepResult[] = [];
results.push(await checkStep('typecheck', 'npm', ['run', '-s', 'typecheck']));
results.push(await checkStep('lint', 'npm', ['run', '-s', 'lint']));
results.push(await vitestStep('the commands the documents show', 'test/docs/vitest.config.ts'));
results.push(await checkStep('build', 'npm', ['run', '-s', 'build']));
results.push(checkWidgetSize());
results.push(await publintStep());
results.push(
  await checkStep('attw (types as ESM users resolve them)', 'attw', ['--pack', 'dist/npm', '--profile', 'esm-only']),
);
results.push(await vitestStep('relay (workerd)', 'test/edge/vitest.config.ts'));

const widget = await run('web-test-runner', ['--config', 'test/widget/web-test-runner.config.js'], {
  CHROME_PATH: chrome,
});
const counts = [...widget.output.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
const widgetPassed = Number(counts?.[1] ?? 0);
const widgetFailed = counts ? Number(counts[2]) : 1;
results.push({
  name: 'widget (Chromium)',
  ok: widget.ok && widgetPassed > 0 && widgetFailed === 0,
  passed: widgetPassed,
  failed: widgetFailed,
});

results.push(await vitestStep('end to end (Chromium)', 'test/e2e/vitest.config.ts'));

console.log('\nlead-capture test run');
for (const r of results) {
  const counted = r.passed + r.failed > 0 ? ` (${r.passed} passed, ${r.failed} failed)` : '';
  console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${counted}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0) + results.filter((r) => !r.ok && r.failed === 0).length;
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
