/**
 * Child processes for the benchmarks: free ports, `wrangler dev` in its own process group (so one
 * signal stops wrangler and workerd), and the CPU time the kernel charged to workerd.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** Every wrangler call: no Cloudflare lookups, no telemetry, so the run stays offline. */
export const WRANGLER_ENV = {
  ...process.env,
  // demo/start.ts calls `vite` and `wrangler` by name, as npm scripts can.
  PATH: `${path.resolve('node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
};

export const WRANGLER = 'node_modules/.bin/wrangler';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Runs a command to completion; throws with its output when it fails. */
export function runChecked(command: string, args: string[]): string {
  const result = spawnSync(command, args, { env: WRANGLER_ENV, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${output}`);
  return output;
}

export interface Server {
  url: string;
  /** The process group leader; workerd runs in the same group. */
  pid: number;
  /** Times wrangler rebuilt the worker since it started: it watches edge/, which others edit. */
  reloads: () => number;
  stop: () => Promise<void>;
}

/** Starts a detached child and waits until `readyPath` answers (bounded: 90 s). */
export async function startServer(
  command: string,
  args: string[],
  port: number,
  readyPath: string,
  env: NodeJS.ProcessEnv = WRANGLER_ENV,
): Promise<Server> {
  let output = '';
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopGroup(child);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      // Any answer short of a 5xx means the worker is up (the bare worker only knows its POST).
      if ((await fetch(`${url}${readyPath}`)).status < 500) {
        return { url, pid: child.pid ?? 0, reloads: () => output.split('Reloading local server').length - 1, stop };
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`${command} ${args.join(' ')} did not start:\n${output}`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
}

/** `wrangler dev` on 127.0.0.1:<free port> with its own inspector port, as `npm start` runs it. */
export async function startWranglerDev(config: string, persistTo: string, readyPath: string): Promise<Server> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  return startServer(
    WRANGLER,
    [
      'dev',
      '-c',
      config,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      persistTo,
      '--show-interactive-dev-session=false',
    ],
    port,
    readyPath,
  );
}

/** The workerd processes in a server's process group. */
export function workerdPids(group: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // Fields after the parenthesised command name: state, ppid, pgrp, …
        const [command, rest] = [
          stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
          stat.slice(stat.lastIndexOf(')') + 2),
        ];
        return command === 'workerd' && Number(rest.split(' ')[2]) === group;
      } catch {
        return false; // The process ended while we looked.
      }
    })
    .map(Number);
}

/**
 * Nanoseconds of CPU the scheduler charged to every thread of these processes
 * (`/proc/<pid>/task/<tid>/schedstat`, first field): ns resolution, unlike the 10 ms ticks of
 * `/proc/<pid>/stat`. Threads that exit between two readings take their time with them.
 */
export function cpuNs(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // The process ended while we looked.
    }
    for (const tid of tids) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread ended while we looked.
      }
    }
  }
  return total;
}
