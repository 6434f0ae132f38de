/**
 * Forms as a deployer meets them, on a fresh copy of the project (what `git clone` gives, plus the
 * working tree's changes): the production build holds their forms and nothing of the demo, a bad
 * form stops the build and `npm run forms:check` with its file, path and rule, and the README's
 * "Add your first form" works as written.
 */
import { type ExecFileSyncOptions, execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoForms } from '../../demo/forms/index.ts';
import { SANDBOX_SECRETS } from '../../demo/sandbox/keys.ts';
import { formJsonSchema } from '../../tools/forms.ts';
import { type DemoServer, startDemo } from './demo-server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
/** A deployer's shell: the project's tools first, and not the variable `npm start` sets. */
const DEPLOYER_ENV: Record<string, string | undefined> = {
  ...process.env,
  PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}`,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
};
delete DEPLOYER_ENV.LEAD_CAPTURE_DEMO;

/** The README's code block after `<!-- marker -->`. */
function readmeBlock(marker: string): string {
  const match = README.match(new RegExp(`<!-- ${marker} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``));
  if (!match?.[1]) throw new Error(`README has no block marked "${marker}"`);
  return match[1];
}

/** The project's files as a clone has them (tracked and new, not ignored), with its node_modules. */
function freshCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lead-capture-clone-'));
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT }).toString();
  for (const file of listed.split('\0').filter(Boolean)) {
    if (!existsSync(path.join(ROOT, file))) continue;
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  rmSync(path.join(dir, 'forms'), { recursive: true, force: true });
  mkdirSync(path.join(dir, 'forms'));
  return dir;
}

function run(dir: string, command: string, args: string[], options: ExecFileSyncOptions = {}) {
  const result = spawnSync(command, args, { cwd: dir, env: DEPLOYER_ENV, encoding: 'utf8', ...options });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function textOf(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.map'))
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

const FIRST_FORM = 'forms/card-machine-quote.json';

describe('the production build', () => {
  let dir: string;
  beforeAll(() => {
    dir = freshCopy();
    writeFileSync(path.join(dir, FIRST_FORM), readmeBlock(`file: ${FIRST_FORM}`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("holds the deployer's forms and no demo form, demo page or sandbox key", () => {
    expect(run(dir, 'vite', ['build', '--logLevel', 'warn']).status).toBe(0);
    const deploy = run(dir, 'wrangler', ['deploy', '--dry-run', '--outdir', 'out']);
    expect(deploy.status, deploy.output).toBe(0);
    const worker = textOf(path.join(dir, 'out'));
    expect(worker).toContain('card-machine-quote');
    expect(worker).toContain('I agree that takepayments and Acme Payments may contact me about card machines.');
    expect(demoForms.length).toBeGreaterThan(5);
    for (const form of demoForms) expect(worker).not.toContain(form.id);
    expect(worker).not.toMatch(/["'`]demo-[a-z]/);

    const assets = path.join(dir, 'dist/assets');
    expect(readdirSync(assets).sort()).toEqual([
      '_headers',
      'admin-api.js',
      'admin-stats.js',
      'admin.html',
      'admin.js',
      'styles.css',
      'widget-offers.js',
      'widget-turnstile.js',
      'widget.js',
    ]);
    const served = textOf(assets);
    expect(served).not.toMatch(/demo-[a-z]|_sandbox/);
    for (const secret of Object.values(SANDBOX_SECRETS)) {
      expect(worker).not.toContain(secret);
      expect(served).not.toContain(secret);
    }
  });

  it('stops at a bad form, naming its file, the path inside it and the rule', () => {
    const bad = JSON.parse(readmeBlock(`file: ${FIRST_FORM}`));
    bad.fields[2].type = 'emial';
    writeFileSync(path.join(dir, 'forms/broken.json'), JSON.stringify({ ...bad, id: 'broken' }, null, 2));
    const expected = 'forms/broken.json: fields.2.type: Invalid option';
    const check = run(dir, 'npm', ['run', '-s', 'forms:check']);
    expect(check.status).toBe(1);
    expect(check.output).toContain(expected);
    expect(check.output).toContain('(rule: invalid_value)');
    const deploy = run(dir, 'wrangler', ['deploy', '--dry-run', '--outdir', 'out-broken']);
    expect(deploy.status).not.toBe(0);
    expect(deploy.output).toContain(expected);
    expect(existsSync(path.join(dir, 'out-broken/index.js'))).toBe(false);
    rmSync(path.join(dir, 'forms/broken.json'));
  });

  it('refuses a form whose id is not its file name, and the same id twice', () => {
    const form = JSON.parse(readmeBlock(`file: ${FIRST_FORM}`));
    writeFileSync(path.join(dir, 'forms/copy.json'), JSON.stringify(form));
    const check = run(dir, 'npm', ['run', '-s', 'forms:check']);
    expect(check.status).toBe(1);
    expect(check.output).toContain('forms/copy.json: id: the id must be the file\'s name ("copy") (rule: file_name)');
    expect(check.output).toContain(`"card-machine-quote" is also the id in ${FIRST_FORM} (rule: unique)`);
    rmSync(path.join(dir, 'forms/copy.json'));
  });
});

describe('forms.schema.json', () => {
  it('is the schema the relay checks forms with (regenerate: npm run forms:schema)', () => {
    const committed = JSON.parse(readFileSync(path.join(ROOT, 'forms.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(formJsonSchema()));
  });
});

describe("the README's first form, followed on a fresh copy", () => {
  let dir: string;
  let demo: DemoServer;
  beforeAll(async () => {
    dir = freshCopy();
    writeFileSync(path.join(dir, FIRST_FORM), readmeBlock(`file: ${FIRST_FORM}`));
    // `npm start` writes .dev.vars on its first run; the README's line goes after it.
    writeFileSync(
      path.join(dir, '.dev.vars'),
      `${Object.entries(SANDBOX_SECRETS)
        .map(([name, value]) => `${name}=${value}`)
        .join('\n')}\n`,
    );
    appendFileSync(path.join(dir, '.dev.vars'), `${readmeBlock('append: .dev.vars')}\n`);
    demo = await startDemo(dir);
  });
  afterAll(async () => {
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes npm run forms:check', () => {
    const check = run(dir, 'npm', ['run', '-s', 'forms:check']);
    expect(check.output).toContain('[forms] checked: 1 form(s), no problems');
    expect(check.status).toBe(0);
  });

  it('delivers the README’s lead to TakePayments and to the second Getlead account', async () => {
    const command = readmeBlock('run: submit').replace('http://127.0.0.1:8787', demo.relay);
    const answer = JSON.parse(execFileSync('bash', ['-c', command], { encoding: 'utf8' })) as {
      leadId: string;
      deliveries: { provider: string }[];
    };
    expect(answer.deliveries.map((d) => d.provider)).toEqual(['takepayments', 'getlead']);
    await vi.waitFor(
      async () => {
        const response = await fetch(`${demo.relay}/v1/admin/leads/${answer.leadId}`, {
          headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
        });
        const lead = (await response.json()) as { deliveries: { provider: string; status: string }[] };
        expect(lead.deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered']);
      },
      { timeout: 20_000, interval: 250 },
    );
    const getlead = (await (await fetch(`${demo.sandbox}/_sandbox/received?provider=getlead`)).json()) as {
      query: Record<string, string>;
    }[];
    expect(getlead.map((r) => r.query.token)).toContain('gl_sandboxtoken-acme');
    expect(getlead.map((r) => r.query.token)).not.toContain(SANDBOX_SECRETS.GETLEAD_TOKEN);
    const demoForm = await fetch(`${demo.relay}/v1/forms/demo-getlead`);
    expect(demoForm.status, 'npm start still serves the demo forms').toBe(200);
  });
});
