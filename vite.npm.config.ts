/**
 * The npm build: ES modules with lit left as a dependency, so an SPA shares its own copy.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/npm',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    lib: {
      entry: { index: 'widget/index.ts', define: 'widget/define.ts' },
      formats: ['es'],
    },
    rollupOptions: { external: [/^lit($|\/)/, /^@lit\//, /^zod($|\/)/] },
  },
});
