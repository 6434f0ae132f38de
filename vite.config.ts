/**
 * The script-tag build: `widget.js`, one IIFE with all that every form needs, and beside it the parts
 * that only some forms need (`widget-<name>.js`, see scriptParts), next to the relay's own pages
 * (`public/`: the admin console) in its static assets. The demo page is no part of it: `npm start`
 * serves it from a copy (demo/start.ts). `vite build --config vite.npm.config.ts` makes the npm build.
 */
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';
import { build, defineConfig, type Plugin } from 'vite';

const widgetFile = (name: string) => fileURLToPath(new URL(`widget/${name}`, import.meta.url));

// widget.js is what partners serve, whatever NODE_ENV the build runs under: a test runner's
// NODE_ENV=test would otherwise pick Lit's development build (4 KB more, with console warnings).
const CONDITIONS = ['module', 'browser', 'production'];

/**
 * The widget's style sheets, `unsafeCSS(`…`)` of a literal with nothing interpolated (Lit's css``
 * tag would bring its checks of interpolated values along), ship as written; collapsing their
 * white space saves bytes on every page.
 */
function minifyLitCss(): Plugin {
  return {
    name: 'minify-lit-css',
    transform(code, id) {
      if (!id.includes('/widget/') || !code.includes('unsafeCSS(`')) return undefined;
      // Only a call with a template literal: not `unsafeCSS(` quoted in a comment.
      return code.replace(/(?<![\w`])unsafeCSS\(`([^`$]*)`\)/g, (_, body: string) => {
        const compact = body
          .replace(/\/\*[^*]*\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};,>])\s*/g, '$1')
          // A colon followed by a space ends a property name (selectors never have one there).
          .replace(/: /g, ':')
          .replace(/([\s:(,])0\.(\d)/g, '$1.$2')
          .replace(/;}/g, '}')
          .replace(/#([\da-f])\1([\da-f])\2([\da-f])\3\b/gi, '#$1$2$3')
          // An attribute value that is a plain identifier needs no quotes; "/" in calc() no spaces.
          .replace(/\[([a-z-]+)='([a-z][a-z-]*)'\]/g, '[$1=$2]')
          .replace(/ \/ /g, '/')
          .trim();
        return `unsafeCSS(\`${compact}\`)`;
      });
    },
  };
}

interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
}

/**
 * Lit's html`` templates ship as written too, indentation included. Inside a template, a run of
 * white space with a line break renders as one space, so each such run becomes one space; the
 * templates are found in the syntax tree (after TypeScript is stripped), never by pattern.
 */
function minifyLitHtml(): Plugin {
  return {
    name: 'minify-lit-html',
    enforce: 'post',
    transform(code, id) {
      if (!id.includes('/widget/') || !code.includes('html`')) return undefined;
      const spans: { start: number; end: number }[] = [];
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) {
          for (const item of node) visit(item);
          return;
        }
        if (!isNode(node)) return;
        const tag = node.tag as AstNode | undefined;
        if (node.type === 'TaggedTemplateExpression' && tag?.type === 'Identifier' && tag.name === 'html') {
          for (const quasi of (node.quasi as { quasis: AstNode[] }).quasis) spans.push(quasi);
        }
        for (const value of Object.values(node)) if (typeof value === 'object') visit(value);
      };
      visit(this.parse(code));
      let out = code;
      for (const { start, end } of spans.sort((a, b) => b.start - a.start)) {
        out = out.slice(0, start) + out.slice(start, end).replace(/\s*\n\s*/g, ' ') + out.slice(end);
      }
      return { code: out, map: null };
    },
  };
}

/**
 * A second pass by terser over the minified `widget.js`: a few passes and the unsafe rewrites that
 * hold for code like ours (no getters with effects, nothing reads a function's arity) find what the
 * default minifier leaves, about 110 bytes gzip; terser alone does worse than the two together.
 */
function terserPass(): Plugin {
  return {
    name: 'terser-pass',
    enforce: 'post',
    async generateBundle(_, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const result = await minify(chunk.code, {
          ecma: 2022,
          toplevel: true,
          compress: {
            passes: 3,
            unsafe: true,
            unsafe_arrows: true,
            unsafe_methods: true,
            pure_getters: true,
            keep_fargs: false,
          },
        });
        if (result.code) chunk.code = result.code;
      }
    },
  };
}

/**
 * The parts of widget/parts.ts ship as classic scripts of their own: each is built here from its
 * entry in widget/parts/, with `lit` taken from the widget.js that loads it (widget/parts/from-widget.ts),
 * and widget.js loads them with widget/parts/script-loader.ts in place of widget/parts.ts.
 */
function scriptParts(names: string[]): Plugin {
  return {
    name: 'script-parts',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === widgetFile('parts.ts') ? widgetFile('parts/script-loader.ts') : undefined;
    },
    async generateBundle() {
      for (const name of names) {
        const result = await build({
          configFile: false,
          logLevel: 'warn',
          publicDir: false,
          plugins: [minifyLitCss(), minifyLitHtml(), terserPass()],
          resolve: {
            conditions: CONDITIONS,
            alias: [{ find: /^lit$/, replacement: widgetFile('parts/from-widget.ts') }],
          },
          build: {
            write: false,
            target: 'es2022',
            minify: true,
            lib: { entry: widgetFile(`parts/${name}.ts`), formats: ['iife'], name, fileName: () => 'part.js' },
          },
        });
        const [chunk] = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
        if (chunk?.type !== 'chunk') throw new Error(`[script-parts] ${name}: the build gave no script`);
        this.emitFile({ type: 'asset', fileName: `widget-${name}.js`, source: chunk.code });
      }
    },
  };
}

export default defineConfig({
  publicDir: 'public',
  plugins: [minifyLitCss(), minifyLitHtml(), terserPass(), scriptParts(['offers', 'turnstile'])],
  resolve: { conditions: CONDITIONS },
  build: {
    outDir: 'dist/assets',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    lib: {
      entry: 'widget/embed.ts',
      formats: ['iife'],
      name: 'LeadCaptureWidget',
      fileName: () => 'widget.js',
    },
  },
});
