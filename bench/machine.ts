/** The machine a run's figures came from, and how busy it was with other work. */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGiB: string;
  node: string;
  kernel: string;
}

export function machine(): Machine {
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
  };
}

export interface Busyness {
  /** Processes with "vitest" in their command line: other people's test runs. */
  vitest: number;
  /** One-minute load average, against nproc. */
  load1: number;
}

export function busyness(): Busyness {
  let vitest = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('vitest')) vitest += 1;
    } catch {
      // The process ended while we looked.
    }
  }
  return { vitest, load1: os.loadavg()[0] ?? 0 };
}
