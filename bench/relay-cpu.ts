/**
 * Relay CPU per request, two ways, both in workerd running bench/cpu-worker (the relay's own app
 * and bindings, no queue consumer):
 * - the kernel's count: CPU time (`schedstat`, ns) charged to the workerd process that runs the
 *   worker (not wrangler's proxy in front of it), across calls making 1000 leads in-isolate (each
 *   lead from a new address, then 50 per address), and per lead over 300 calls making one each. It
 *   includes everything workerd does for a lead (JS, the D1 and Durable Object SQLite work, the
 *   queue's storage), which in production runs partly outside the worker's own CPU time; the
 *   one-lead calls also include workerd's HTTP handling of the call.
 * - the same with D1, the queue and the rate limiter replaced by in-memory stand-ins: the relay's
 *   own JavaScript alone, which is what Workers bills as CPU (binding calls are I/O there);
 * - the same with only the rate limit real: the relay's Durable Object, then Cloudflare's Rate
 *   Limiting binding in its place (each lead from a new address in both); then only D1, then only
 *   the queue: what each of a lead's three binding calls costs on its own;
 * - the runtime clock around `app.fetch` inside the isolate: wall time, so it includes waiting on
 *   D1, the Durable Object and the queue; in workerd it ticks in whole milliseconds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpuNs, runChecked, startWranglerDev, WRANGLER, workerdPids } from './lib/proc.ts';
import { percentile } from './lib/stats.ts';

const CONFIG = 'bench/cpu-worker/wrangler.toml';
const BATCH = 1000;
const SINGLES = 300;

export interface RelayCpu {
  /** Kernel CPU per lead over a 1000-lead batch, ms: each lead from a new address, and 50 per address. */
  batchMean: { fresh: number; shared: number };
  /** Kernel CPU per lead with D1, the queue and the rate limiter stubbed: the relay's own JS, ms. */
  jsOnlyMean: number;
  /** Kernel CPU per lead with only the rate limit real: the relay's Durable Object, and the Workers
   * Rate Limiting binding in its place (both as wrangler emulates them locally), ms. */
  limiter: { object: number; binding: number };
  /** Kernel CPU per lead with only D1, or only the queue, real, ms. */
  alone: { d1: number; queue: number };
  /** Runtime clock around app.fetch with the bindings stubbed, ms (whole ms). */
  jsOnly: { p50: number; p99: number };
  /** Kernel CPU per one-lead call, 50 leads per address, ms. */
  single: { p50: number; p99: number };
  /** Runtime clock around app.fetch in the shared batch, ms (whole ms). */
  isolate: { p50: number; p99: number };
  /** What the clock read across 5M iterations of arithmetic with no I/O: 0 means it stood still. */
  clockProbeMs: number;
  statuses: Record<string, number>;
  reloads: number;
}

/** The workerd that runs the worker: wrangler's proxy is the one listening on the public port. */
function runtimePids(group: number, port: string): number[] {
  return workerdPids(group).filter((pid) => {
    try {
      return !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`entry=127.0.0.1:${port}`);
    } catch {
      return false;
    }
  });
}

export async function measureRelayCpu(): Promise<RelayCpu> {
  const state = mkdtempSync(path.join(tmpdir(), 'lead-capture-bench-cpu-'));
  try {
    runChecked(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state, '-c', CONFIG]);
    const server = await startWranglerDev(CONFIG, state, '/');
    try {
      const pids = () => runtimePids(server.pid, new URL(server.url).port);
      const call = async (pathAndQuery: string) => (await fetch(`${server.url}${pathAndQuery}`)).json();
      const { ms: clockProbeMs } = (await call('/clock')) as { ms: number };
      // Warm-up: compiled code, the D1 connection and the first Durable Objects.
      await call('/run?n=50&ips=shared');

      const runtime = pids();
      type Batch = { ms: number[]; statuses: Record<string, number> };
      type Mode = 'fresh' | 'shared' | 'stub' | 'limiter-object' | 'limiter-binding' | 'd1-only' | 'queue-only';
      const batchOf = async (ips: Mode) => {
        const before = cpuNs(runtime);
        const batch = (await call(`/run?n=${BATCH}&ips=${ips}`)) as Batch;
        return { batch, meanMs: (cpuNs(runtime) - before) / 1e6 / BATCH };
      };
      const fresh = await batchOf('fresh');
      const shared = await batchOf('shared');
      const stubbed = await batchOf('stub');
      const limiterObject = await batchOf('limiter-object');
      const limiterBinding = await batchOf('limiter-binding');
      const d1Only = await batchOf('d1-only');
      const queueOnly = await batchOf('queue-only');

      const singles: number[] = [];
      for (let i = 0; i < SINGLES; i++) {
        const start = cpuNs(runtime);
        await call('/run?n=1&ips=shared');
        singles.push((cpuNs(runtime) - start) / 1e6);
      }
      const statuses: Record<string, number> = {};
      const batches = [fresh, shared, stubbed, limiterObject, limiterBinding, d1Only, queueOnly];
      for (const [status, count] of batches.flatMap((b) => Object.entries(b.batch.statuses))) {
        statuses[status] = (statuses[status] ?? 0) + count;
      }
      return {
        batchMean: { fresh: fresh.meanMs, shared: shared.meanMs },
        jsOnlyMean: stubbed.meanMs,
        limiter: { object: limiterObject.meanMs, binding: limiterBinding.meanMs },
        alone: { d1: d1Only.meanMs, queue: queueOnly.meanMs },
        jsOnly: { p50: percentile(stubbed.batch.ms, 50), p99: percentile(stubbed.batch.ms, 99) },
        single: { p50: percentile(singles, 50), p99: percentile(singles, 99) },
        isolate: { p50: percentile(shared.batch.ms, 50), p99: percentile(shared.batch.ms, 99) },
        clockProbeMs,
        statuses,
        reloads: server.reloads(),
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
