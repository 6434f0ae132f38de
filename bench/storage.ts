/**
 * `npm run storage`: the storage bench (issue "Nothing kept forever"). Inside workerd
 * (bench/storage/storage.workerd.ts, the relay's own code with its real D1 shards and R2 bucket),
 * 100,000 leads (`STORAGE_LEADS` to change it) are written across the two shards and their
 * deliveries recorded, then aged past their form's window, and the every-minute maintenance run
 * archives them run after run. Prints D1 bytes per hot lead, archive bytes per lead, D1's size after
 * archiving as a share of before, leads archived per second, and each run's time and subrequests
 * against a Cron invocation's limits; exits 1 when a run passes one.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

interface StorageResult {
  leads: number;
  shards: string[];
  writtenMs: number;
  hotBytesPerLead: number;
  d1BytesBefore: number;
  d1BytesAfterArchive: number;
  d1BytesAfterRefill: number;
  indexRowBytesPerLead: number;
  archiveBytesPerLead: number;
  objects: number;
  archiveMs: number;
  archivedPerSecond: number;
  runs: number;
  longestRunMs: number;
  mostSubrequests: number;
  cronLimitMs: number;
  subrequestLimit: number;
}

const run = spawnSync('npx', ['vitest', 'run', '--config', 'bench/storage/vitest.config.ts'], {
  encoding: 'utf8',
  env: process.env,
  maxBuffer: 64 * 1024 * 1024,
});
const line = `${run.stdout}\n${run.stderr}`.split('\n').find((l) => l.includes('STORAGE_RESULT '));
if (run.status !== 0 || !line) {
  console.error(run.stdout.slice(-4000), run.stderr.slice(-4000));
  throw new Error(`the storage bench failed (exit ${run.status})`);
}
const r = JSON.parse(line.slice(line.indexOf('STORAGE_RESULT ') + 'STORAGE_RESULT '.length)) as StorageResult;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const within = r.longestRunMs < r.cronLimitMs && r.mostSubrequests <= r.subrequestLimit;
console.log(
  `[storage] ${r.leads.toLocaleString('en')} leads over ${r.shards.join(' + ')}, written in ${(r.writtenMs / 1000).toFixed(0)} s`,
);
console.log(
  `[storage] D1 bytes per hot lead: ${r.hotBytesPerLead.toFixed(0)} (lead, delivery, attempt, consent snapshot, indexes)`,
);
console.log(
  `[storage] archive bytes per lead: ${r.archiveBytesPerLead.toFixed(0)} (${r.objects.toLocaleString('en')} objects)`,
);
console.log(
  `[storage] D1 after archiving: ${mb(r.d1BytesAfterArchive)} of ${mb(r.d1BytesBefore)} (${((100 * r.d1BytesAfterArchive) / r.d1BytesBefore).toFixed(1)}%); index row ≈ ${r.indexRowBytesPerLead.toFixed(0)} bytes of data per archived lead`,
);
console.log(
  `[storage] the same window again: ${mb(r.d1BytesAfterRefill)} (${((100 * r.d1BytesAfterRefill) / r.d1BytesBefore).toFixed(1)}% of the first fill)`,
);
console.log(
  `[storage] archived ${r.archivedPerSecond.toFixed(0)} leads/s over ${r.runs} maintenance runs; longest run ${(r.longestRunMs / 1000).toFixed(1)} s of ${r.cronLimitMs / 60_000} min, most subrequests ${r.mostSubrequests} of ${r.subrequestLimit}: ${within ? 'PASS' : 'FAIL'}`,
);
process.exitCode = within ? 0 : 1;
