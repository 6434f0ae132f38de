/**
 * The script-tag build: `widget.js`, one IIFE with everything in it, next to the demo pages in the
 * relay's static assets. `vite build --config vite.npm.config.ts` makes the npm (ESM) build.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: 'demo/public',
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
