/**
 * Widget weight: `dist/assets/widget.js` raw, gzip -9 and brotli (quality 11), the parts only some
 * forms load beside it, and Lit alone (one tiny LitElement) in the same IIFE build, the floor any
 * Lit widget starts from.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';

export interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

export interface Weight {
  widget: Sizes;
  /** The parts only some forms load, beside widget.js (`widget-offers.js`, `widget-turnstile.js`). */
  parts: { name: string; sizes: Sizes }[];
  litFloor: Sizes;
}

export function sizesOf(bytes: Buffer): Sizes {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
    }).length,
  };
}

const FLOOR_ENTRY = `import { css, html, LitElement } from 'lit';
class LitFloor extends LitElement {
  static properties = { name: {} };
  static styles = css\`:host{display:block}\`;
  render() { return html\`<p>Hello \${this.name}</p>\`; }
}
customElements.define('lit-floor', LitFloor);
`;

/** The widget's build settings (vite.config.ts) with a one-element entry in a temporary directory. */
async function litFloor(): Promise<Sizes> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lead-capture-bench-lit-'));
  try {
    writeFileSync(path.join(dir, 'entry.js'), FLOOR_ENTRY);
    await build({
      configFile: false,
      logLevel: 'warn',
      root: dir,
      // The entry lives outside the project, so `lit` is pointed at the project's own copy.
      resolve: { alias: [{ find: /^lit$/, replacement: path.resolve('node_modules/lit/index.js') }] },
      build: {
        outDir: path.join(dir, 'out'),
        target: 'es2022',
        minify: true,
        sourcemap: false,
        lib: { entry: path.join(dir, 'entry.js'), formats: ['iife'], name: 'LitFloor', fileName: () => 'floor.js' },
      },
    });
    return sizesOf(readFileSync(path.join(dir, 'out', 'floor.js')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureWeight(): Promise<Weight> {
  const parts = readdirSync('dist/assets')
    .filter((file) => /^widget-.+\.js$/.test(file))
    .sort()
    .map((name) => ({ name, sizes: sizesOf(readFileSync(path.join('dist/assets', name))) }));
  return { widget: sizesOf(readFileSync('dist/assets/widget.js')), parts, litFloor: await litFloor() };
}
