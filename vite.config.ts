/**
 * The script-tag build: `widget.js`, one IIFE with everything in it, next to the demo pages in the
 * relay's static assets. `vite build --config vite.npm.config.ts` makes the npm (ESM) build.
 */
import { defineConfig, type Plugin } from 'vite';

/** Lit's css`` templates ship as written; collapsing their white space saves bytes on every page. */
function minifyLitCss(): Plugin {
  return {
    name: 'minify-lit-css',
    transform(code, id) {
      if (!id.endsWith('/widget/styles.ts')) return undefined;
      return code.replace(/css`([^`]*)`/g, (_, body: string) => {
        const compact = body
          .replace(/\/\*[^*]*\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};,>])\s*/g, '$1')
          // A colon followed by a space ends a property name (selectors never have one there).
          .replace(/: /g, ':')
          .replace(/([\s:(,])0\.(\d)/g, '$1.$2')
          .replace(/;}/g, '}')
          .trim();
        return `css\`${compact}\``;
      });
    },
  };
}

export default defineConfig({
  publicDir: 'demo/public',
  plugins: [minifyLitCss()],
  // widget.js is what partners serve, whatever NODE_ENV the build runs under: a test runner's
  // NODE_ENV=test would otherwise pick Lit's development build (4 KB more, with console warnings).
  resolve: { conditions: ['module', 'browser', 'production'] },
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
