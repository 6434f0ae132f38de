/**
 * @module `npm start`: builds the widget, applies the local D1 migrations, starts the provider
 * sandbox and runs `wrangler dev` on 127.0.0.1:8787 with every base URL pointing at the sandbox,
 * offline. Arguments after `--` go to `wrangler dev`; a `--var` given there wins.
 *
 * The demo exists only here: its forms join the deployer's (LEAD_CAPTURE_DEMO, read by
 * tools/forms.ts) and its page joins the production assets in a copy, `dist/dev-assets`, which is
 * what this `wrangler dev` serves; a production build has neither.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { adapters } from '../edge/providers/registry.ts';
import { SANDBOX_SECRETS } from './sandbox/keys.ts';
import { startSandbox } from './sandbox/server.ts';

/** Each provider's base URL variable, pointed at its simulator (the sandbox serves each under its name). */
const BASE_URL_VARS = Object.fromEntries(adapters.map((adapter) => [adapter.baseUrlVar, adapter.name]));

/** Short delivery settings so a failing sandbox provider reaches the dead-letter queue in seconds. */
const SANDBOX_VARS = {
  ENVIRONMENT: 'development',
  DELIVERY_MAX_ATTEMPTS: '4',
  DELIVERY_BACKOFF_SECONDS: '1',
  DELIVERY_TIMEOUT_MS: '3000',
};

const LOCAL_ENV = {
  ...process.env,
  LEAD_CAPTURE_DEMO: '1',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
};

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env: LOCAL_ENV });
  if (result.status !== 0) {
    console.error(`[lead-capture] ${command} ${args.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

function optionValue(args: readonly string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const arg = args[i] ?? '';
  return arg.includes('=') ? arg.slice(name.length + 1) : args[i + 1];
}

function givenVars(args: readonly string[]): Set<string> {
  const names = new Set<string>();
  args.forEach((arg, i) => {
    if (arg === '--var') {
      for (const next of args.slice(i + 1)) {
        if (next.startsWith('--')) break;
        names.add(next.split(':')[0] ?? '');
      }
    }
  });
  return names;
}

const userArgs = process.argv.slice(2);
const sandboxPort = Number(process.env.SANDBOX_PORT ?? 8790);
const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;

if (!existsSync('.dev.vars')) {
  const lines = Object.entries(SANDBOX_SECRETS).map(([name, value]) => `${name}=${value}`);
  writeFileSync(
    '.dev.vars',
    `# Written by npm start: the sandbox's keys. Real keys go in wrangler secrets.\n${lines.join('\n')}\n`,
  );
}

if (!process.env.SKIP_WIDGET_BUILD) run('vite', ['build', '--logLevel', 'warn']);
const DEV_ASSETS = 'dist/dev-assets';
rmSync(DEV_ASSETS, { recursive: true, force: true });
cpSync('dist/assets', DEV_ASSETS, { recursive: true });
cpSync('demo/public', DEV_ASSETS, { recursive: true });

const persistTo = optionValue(userArgs, '--persist-to');
// Every D1 shard wrangler.toml binds (DB, DB_1, …) gets the same migrations.
const shardBindings = [
  ...readFileSync('wrangler.toml', 'utf8').matchAll(/\[\[d1_databases\]\]\s*binding\s*=\s*"([^"]+)"/g),
].map((m) => m[1] ?? '');
for (const binding of shardBindings) {
  run('wrangler', ['d1', 'migrations', 'apply', binding, '--local', ...(persistTo ? ['--persist-to', persistTo] : [])]);
}

const sandbox = startSandbox(sandboxPort);
console.log(`[lead-capture] provider sandbox on ${sandboxUrl}`);

const taken = givenVars(userArgs);
const vars = [
  ...Object.entries(BASE_URL_VARS).map(([name, path]) => [name, `${sandboxUrl}/${path}`] as const),
  ['ALERT_WEBHOOK_URL', `${sandboxUrl}/_sandbox/alerts`] as const,
  ...Object.entries(SANDBOX_VARS),
]
  .filter(([name]) => !taken.has(name))
  .map(([name, value]) => `${name}:${value}`);

const hasOption = (name: string) => userArgs.some((a) => a === name || a.startsWith(`${name}=`));
const wranglerArgs = [
  'dev',
  ...(hasOption('--ip') ? [] : ['--ip', '127.0.0.1']),
  ...(hasOption('--port') ? [] : ['--port', '8787']),
  ...(hasOption('--show-interactive-dev-session') ? [] : ['--show-interactive-dev-session=false']),
  ...(hasOption('--assets') ? [] : ['--assets', DEV_ASSETS]),
  // GET /__scheduled?cron=<cron> runs a Cron Trigger's maintenance by hand (the sweep, the spill's import).
  ...(hasOption('--test-scheduled') ? [] : ['--test-scheduled']),
  ...userArgs,
  ...(vars.length ? ['--var', ...vars] : []),
];
const wrangler = spawn('wrangler', wranglerArgs, { stdio: 'inherit', env: LOCAL_ENV });

function stop(code: number): void {
  sandbox.close();
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    wrangler.kill(signal);
  });
}
wrangler.on('exit', (code) => stop(code ?? 0));
