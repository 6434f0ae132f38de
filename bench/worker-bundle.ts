/**
 * Worker bundle: what `wrangler deploy --dry-run` would upload, raw and gzip -9, with wrangler's own
 * "Total Upload" line (its gzip level differs a little from -9).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { runChecked, WRANGLER } from './lib/proc.ts';

export interface Bundle {
  raw: number;
  gzip: number;
  wranglerSays: string;
}

export function measureBundle(): Bundle {
  const dir = mkdtempSync(path.join(tmpdir(), 'lead-capture-bench-bundle-'));
  try {
    const output = runChecked(WRANGLER, ['deploy', '--dry-run', '--outdir', dir]);
    // Source maps and wrangler's README are not uploaded as code.
    const code = readdirSync(dir).filter((name) => /\.(m?js|wasm)$/.test(name));
    const bytes = Buffer.concat(code.map((name) => readFileSync(path.join(dir, name))));
    return {
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      wranglerSays: /Total Upload: ([^\n]+)/.exec(output)?.[1]?.trim() ?? 'not printed',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
