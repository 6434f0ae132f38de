/**
 * @module Turns `dist/npm` into the package that `npm pack dist/npm` publishes: the manifest (this
 * folder's package.json, with the version and dependency ranges of the repository's own), the users'
 * README and the LICENSE; declaration files whose imports name `.ts` files are pointed at the `.js`
 * files the package ships, and declarations no entry point reaches are left out.
 */
import { copyFileSync, globSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const OUT = 'dist/npm';
const ENTRY_TYPES = ['widget/index.d.ts', 'widget/define.d.ts'];

interface Manifest {
  version?: string;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

const root = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const manifest = JSON.parse(readFileSync('npm/package.json', 'utf8')) as Manifest;
const dependencies = Object.fromEntries(Object.entries(root.dependencies ?? {}).map(([name, v]) => [name, `^${v}`]));
writeFileSync(
  path.join(OUT, 'package.json'),
  `${JSON.stringify({ ...manifest, version: root.version, dependencies }, null, 2)}\n`,
);
copyFileSync('npm/README.md', path.join(OUT, 'README.md'));
copyFileSync('LICENSE', path.join(OUT, 'LICENSE'));

const RELATIVE = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+?)\.ts(['"])/g;
const reached = new Set<string>();
const pending = [...ENTRY_TYPES];
for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
  if (reached.has(file)) continue;
  reached.add(file);
  const full = path.join(OUT, file);
  const source = readFileSync(full, 'utf8');
  for (const match of source.matchAll(RELATIVE)) {
    pending.push(path.posix.join(path.posix.dirname(file), `${match[2]}.d.ts`));
  }
  writeFileSync(full, source.replace(RELATIVE, '$1$2.js$3'));
}
for (const file of globSync('**/*.d.ts', { cwd: OUT })) {
  if (!reached.has(file.split(path.sep).join('/'))) rmSync(path.join(OUT, file));
}
