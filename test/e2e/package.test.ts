/**
 * The npm package as users get it: `npm pack` of dist/npm installed into a throwaway app outside the
 * repository, bundled for production by Vite and by esbuild from each documented import, and driven
 * in Chromium until a lead reaches the sandbox; then Node imports, the types, the manifest and the
 * tarball's contents. Nothing here reaches the package through the repository's own files.
 */
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SECRETS } from '../../demo/sandbox/keys.ts';
import { CHROMIUM_ARGS, chromiumPath } from '../chromium.ts';
import { type DemoServer, startDemo } from './demo-server.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

let demo: DemoServer;
let browser: Browser;
/** Holds the tarball, the app, and the unpacked tarball; removed afterwards. */
let work: string;
let tarball: string;
let appDir: string;

/** Runs a command and returns its stdout; throws with all its output if it fails. */
function runOrFail(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

beforeAll(async () => {
  work = realpathSync(mkdtempSync(path.join(tmpdir(), 'lead-capture-package-')));
  const packed = runOrFail('npm', ['pack', path.join(REPO, 'dist/npm'), '--pack-destination', work], REPO);
  tarball = path.join(work, packed.trim().split('\n').at(-1) ?? '');
  appDir = path.join(work, 'app');
  mkdirSync(appDir);
  writeFileSync(
    path.join(appDir, 'package.json'),
    `${JSON.stringify({ name: 'lead-capture-user-app', private: true, type: 'module' }, null, 2)}\n`,
  );
  runOrFail('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], appDir);
  [demo, browser] = await Promise.all([
    startDemo(),
    chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Import {
  name: string;
  code: string;
  exportsClass: boolean;
}

const IMPORTS: Import[] = [
  { name: 'lead-capture', code: "import 'lead-capture';\n", exportsClass: false },
  { name: 'lead-capture/define', code: "import 'lead-capture/define';\n", exportsClass: false },
  {
    name: '{ LeadCapture } from lead-capture',
    code: "import { LeadCapture } from 'lead-capture';\nwindow.leadCaptureClass = LeadCapture;\n",
    exportsClass: true,
  },
];

interface Bundled {
  outDir: string;
  /** The modules that went into the bundle, absolute. */
  modules: string[];
}

function slug(text: string): string {
  return text.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
}

function pageHtml(script: string, relay: string): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>An SPA</title><script type="module" src="${script}"></script></head>
  <body>
    <h1>Card machines</h1>
    <lead-capture form="demo-takepayments" relay="${relay}"></lead-capture>
  </body>
</html>
`;
}

const BUNDLERS: { name: string; bundle: (main: string, outDir: string) => Promise<Bundled> }[] = [
  {
    name: 'Vite',
    async bundle(main, outDir) {
      writeFileSync(path.join(appDir, 'main.js'), main);
      writeFileSync(path.join(appDir, 'index.html'), pageHtml('/main.js', demo.relay));
      // What `vite build` sets for a production build; the test runner's NODE_ENV=test would pick Lit's development build.
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        const result = await viteBuild({
          root: appDir,
          configFile: false,
          logLevel: 'silent',
          mode: 'production',
          build: { outDir, emptyOutDir: true },
        });
        const outputs = Array.isArray(result) ? result : [result];
        const modules = outputs.flatMap((o) =>
          'output' in o ? o.output.flatMap((chunk) => (chunk.type === 'chunk' ? chunk.moduleIds : [])) : [],
        );
        return { outDir, modules };
      } finally {
        process.env.NODE_ENV = nodeEnv;
      }
    },
  },
  {
    name: 'esbuild',
    async bundle(main, outDir) {
      writeFileSync(path.join(appDir, 'main.js'), main);
      const result = await esbuild({
        absWorkingDir: appDir,
        entryPoints: [path.join(appDir, 'main.js')],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'browser',
        outdir: outDir,
        metafile: true,
        logLevel: 'silent',
      });
      writeFileSync(path.join(outDir, 'index.html'), pageHtml('/main.js', demo.relay));
      return { outDir, modules: Object.keys(result.metafile.inputs).map((input) => path.resolve(appDir, input)) };
    },
  },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
};

async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const urlPath = new URL(request.url ?? '/', 'http://x').pathname;
    const file = path.join(dir, urlPath === '/' ? 'index.html' : urlPath);
    try {
      if (!file.startsWith(dir)) throw new Error('outside');
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function leadAtSandbox(email: string): Promise<Record<string, unknown> | undefined> {
  const all = (await (await fetch(`${demo.sandbox}/_sandbox/received?provider=takepayments`)).json()) as {
    body: string;
  }[];
  return all.map((r) => JSON.parse(r.body) as Record<string, unknown>).find((b) => b.Email === email);
}

/** The lead as the sandbox received it, or undefined after 30 s (deliveries retry under load). */
async function waitForLead(email: string): Promise<Record<string, unknown> | undefined> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const lead = await leadAtSandbox(email);
    if (lead) return lead;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

/** The relay's own record of a lead (status, delivery attempts), to explain a lead that did not arrive. */
async function relayRecord(leadId: string | undefined): Promise<string> {
  const response = await fetch(`${demo.relay}/v1/admin/leads/${leadId}`, {
    headers: { authorization: `Bearer ${SANDBOX_SECRETS.ADMIN_TOKEN}` },
  });
  return `${response.status} ${await response.text()}`;
}

describe.each(BUNDLERS)('an SPA bundled for production by $name', (bundler) => {
  it.each(IMPORTS)('with only `$name` shows the form and takes a lead to the sandbox', async (imported) => {
    const id = slug(`${bundler.name}-${imported.name}`);
    const outDir = path.join(appDir, `out-${id}`);
    const { modules } = await bundler.bundle(imported.code, outDir);

    // The package came from the app's own install of the tarball, not from the repository.
    expect(path.relative(REPO, appDir).startsWith('..')).toBe(true);
    expect(lstatSync(path.join(appDir, 'node_modules', 'lead-capture')).isSymbolicLink()).toBe(false);
    expect(modules).toContain(path.join(appDir, 'node_modules', 'lead-capture', 'widget', 'define.js'));
    expect(modules.filter((m) => m.startsWith(`${REPO}/`))).toEqual([]);

    const scripts = filesUnder(outDir).filter((f) => f.endsWith('.js'));
    const bytes = scripts.reduce((sum, f) => sum + readFileSync(f).length, 0);
    console.log(`[package] ${bundler.name}, ${imported.name}: ${bytes} bytes of JS`);
    expect(bytes).toBeGreaterThan(20_000);
    for (const script of scripts) expect(readFileSync(script, 'utf8')).not.toContain(REPO);

    const { url, server } = await serve(outDir);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const leadIds: string[] = [];
    await page.exposeFunction('recordLead', (leadId: string) => leadIds.push(leadId));
    await page.addInitScript(() => {
      document.addEventListener('lead-success', (e) =>
        (window as unknown as { recordLead: (id: string) => void }).recordLead((e as CustomEvent).detail.leadId),
      );
    });
    const email = `spa.${id}.${Date.now()}@example.com`.toLowerCase();
    try {
      await page.goto(url);
      await expect
        .poll(() => page.evaluate(() => customElements.get('lead-capture') !== undefined), {
          message: `<lead-capture> is defined (page errors: ${errors.join('; ') || 'none'})`,
        })
        .toBe(true);
      if (imported.exportsClass) {
        expect(
          await page.evaluate(
            () =>
              customElements.get('lead-capture') ===
              (window as unknown as { leadCaptureClass?: CustomElementConstructor }).leadCaptureClass,
          ),
        ).toBe(true);
      }
      await page.getByLabel('First name').fill('Ada');
      await page.getByLabel('Last name').fill('Lovelace');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Business name').fill('Analytical Engines Ltd');
      await page.getByLabel('Postcode').fill('sw1a 1aa');
      await page.getByLabel('I agree that takepayments may contact me').check();
      await page.getByRole('button', { name: 'Request a call back' }).click();
      await page.getByText('An adviser will call you shortly').waitFor();
      await expect.poll(() => leadIds.length).toBe(1);
      const delivered = await waitForLead(email);
      expect(delivered, `the lead at the sandbox; the relay's record: ${await relayRecord(leadIds[0])}`).toMatchObject({
        FirstName: 'Ada',
      });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      server.close();
    }
  });
});

describe('the installed package', () => {
  it('imports in Node with no DOM, as server rendering does, without throwing', () => {
    const result = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "await import('lead-capture'); await import('lead-capture/define'); console.log('ok')",
      ],
      { cwd: appDir, encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('ok');
  });

  it('types: a theme outside light, dark and auto is a type error, and events carry typed details', () => {
    writeFileSync(
      path.join(appDir, 'check.ts'),
      `import { LeadCapture, type LeadSuccessEvent } from 'lead-capture';

const el = document.createElement('lead-capture');
const same: LeadCapture = el;
el.theme = 'dark';
// @ts-expect-error purple is not a theme
el.theme = 'purple';
el.redirect = 'never';
el.addEventListener('lead-success', (e: LeadSuccessEvent) => {
  const id: string = e.detail.leadId;
  void id;
});
void same;
`,
    );
    writeFileSync(
      path.join(appDir, 'tsconfig.json'),
      `${JSON.stringify(
        {
          compilerOptions: {
            strict: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            lib: ['es2022', 'dom'],
            noEmit: true,
            skipLibCheck: false,
            types: [],
          },
          files: ['check.ts'],
        },
        null,
        2,
      )}\n`,
    );
    const result = spawnSync(path.join(REPO, 'node_modules/.bin/tsc'), ['-p', path.join(appDir, 'tsconfig.json')], {
      cwd: appDir,
      encoding: 'utf8',
    });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('the manifest lists the public surface, typed', () => {
    const packageDir = path.join(appDir, 'node_modules', 'lead-capture');
    const manifestFile = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')).customElements;
    expect(path.resolve(packageDir, manifestFile)).toBe(path.join(packageDir, 'custom-elements.json'));
    interface Declaration {
      tagName?: string;
      attributes?: { name: string; type?: { text: string } }[];
      members?: { name: string; privacy?: string }[];
      events?: { name: string; type?: { text: string }; description?: string }[];
      slots?: { name: string; description?: string }[];
      cssProperties?: { name: string; default?: string }[];
    }
    const manifest = JSON.parse(readFileSync(path.join(packageDir, 'custom-elements.json'), 'utf8')) as {
      modules: { declarations?: Declaration[] }[];
    };
    const element = manifest.modules
      .flatMap((m) => m.declarations ?? [])
      .find((d) => d.tagName === 'lead-capture') as Declaration;
    expect(element).toBeDefined();
    // Soft: one run names every point of the surface that is off.

    const attributes = element.attributes ?? [];
    expect
      .soft(attributes.map((a) => a.name).sort())
      .toEqual(['form', 'relay', 'locale', 'theme', 'submit-label', 'success-message', 'redirect', 'datalayer'].sort());
    expect.soft(attributes.find((a) => a.name === 'theme')?.type?.text).toBe("'light' | 'dark' | 'auto'");
    expect.soft(attributes.find((a) => a.name === 'redirect')?.type?.text).toBe("'auto' | 'never'");

    const hidden = (element.members ?? []).filter((m) => m.privacy === 'private' || m.privacy === 'protected');
    expect.soft(hidden.map((m) => m.name)).toEqual([]);

    const events = Object.fromEntries((element.events ?? []).map((e) => [e.name, e]));
    expect
      .soft(Object.keys(events).sort())
      .toEqual(
        [
          'lead-ready',
          'lead-step',
          'lead-submit',
          'lead-success',
          'lead-error',
          'lead-offers',
          'lead-offer-accept',
        ].sort(),
      );
    const classes: Record<string, string> = {
      'lead-ready': 'LeadReadyEvent',
      'lead-step': 'LeadStepEvent',
      'lead-submit': 'LeadSubmitEvent',
      'lead-success': 'LeadSuccessEvent',
      'lead-error': 'LeadErrorEvent',
      'lead-offers': 'LeadOffersEvent',
      'lead-offer-accept': 'LeadOfferAcceptEvent',
    };
    for (const [name, className] of Object.entries(classes)) {
      expect.soft(events[name]?.type?.text, `the type of ${name}`).toBe(className);
      expect.soft(events[name]?.description, `the description of ${name}`).toContain('detail');
    }

    const slots = element.slots ?? [];
    expect.soft(slots.map((s) => s.name)).toEqual(expect.arrayContaining(['turnstile', 'offers']));
    expect.soft(slots.find((s) => s.name === 'offers')?.description).not.toMatch(/dataLayer/i);

    const cssProperties = element.cssProperties ?? [];
    expect.soft(cssProperties.length).toBeGreaterThan(0);
    expect.soft(cssProperties.filter((p) => !p.default).map((p) => p.name)).toEqual([]);
    expect.soft(cssProperties.find((p) => p.name === '--lc-radius')?.default).toBe('6px');
  });

  it('ships only what users need', () => {
    const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    expect(listing.status, listing.stderr).toBe(0);
    const files = listing.stdout.split('\n').filter((f) => f && !f.endsWith('/'));
    expect(files).toEqual(
      expect.arrayContaining([
        'package/LICENSE',
        'package/README.md',
        'package/package.json',
        'package/custom-elements.json',
      ]),
    );
    expect(files.filter((f) => /\.[cm]?tsx?$/.test(f) && !/\.d\.[cm]?ts$/.test(f))).toEqual([]);

    const unpacked = path.join(work, 'unpacked');
    mkdirSync(unpacked, { recursive: true });
    expect(spawnSync('tar', ['-xzf', tarball, '-C', unpacked]).status).toBe(0);
    const root = path.join(unpacked, 'package');
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      types?: string;
      exports?: unknown;
    };
    const entries = new Set<string>();
    const collect = (value: unknown, key?: string): void => {
      if (typeof value === 'string' && key === 'types') entries.add(path.posix.normalize(value));
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) collect(v, k);
      }
    };
    collect(manifest.exports);
    if (manifest.types) entries.add(path.posix.normalize(manifest.types));
    expect(entries.size).toBeGreaterThan(0);

    // Every relative specifier a declaration names (import, export, import()), to the declaration it means.
    const SPECIFIER = /(?:from\s*|import\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
    const reached = new Set<string>();
    const missing: string[] = [];
    const pending = [...entries];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (reached.has(file)) continue;
      reached.add(file);
      if (!files.includes(`package/${file}`)) {
        missing.push(file);
        continue;
      }
      const source = readFileSync(path.join(root, file), 'utf8');
      for (const [, specifier = ''] of source.matchAll(SPECIFIER)) {
        const target = path.posix.join(path.posix.dirname(file), specifier).replace(/\.(js|ts|d\.ts)$/, '');
        pending.push(`${target}.d.ts`);
      }
    }
    expect(missing, 'declarations named but not shipped').toEqual([]);
    const declarations = files.filter((f) => f.endsWith('.d.ts')).map((f) => f.slice('package/'.length));
    expect(declarations.filter((f) => !reached.has(f))).toEqual([]);

    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).not.toBe(readFileSync(path.join(REPO, 'README.md'), 'utf8'));
    expect(readme).not.toContain('npm start');
  });
});
