/**
 * The npm build: ES modules with lit and zod left as dependencies, so an SPA shares its own copies.
 * One output file per source module, at stable paths: package.json's `sideEffects` can then name the
 * exact modules that register the element, which a hashed shared chunk would hide from bundlers.
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
      entry: ['widget/index.ts', 'widget/define.ts'],
      formats: ['es'],
    },
    rollupOptions: {
      external: [/^lit($|\/)/, /^@lit\//, /^zod($|\/)/],
      output: { preserveModules: true, preserveModulesRoot: '.', entryFileNames: '[name].js' },
    },
  },
});
