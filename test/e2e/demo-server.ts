/**
 * Starts the demo the way `npm start` does (widget build, local D1 migrations, sandbox, wrangler
 * dev) on free ports with its own state directory, and stops it afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface DemoServer {
  relay: string;
  sandbox: string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
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

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the demo exited early:\n${output()}`);
    try {
      if ((await fetch(`${url}/v1/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the demo did not start:\n${output()}`);
}

/** Starts the demo in `cwd` (the project by default; a test may start a copy of it). */
export async function startDemo(cwd?: string): Promise<DemoServer> {
  const [port, sandboxPort, inspectorPort] = [await freePort(), await freePort(), await freePort()];
  const state = mkdtempSync(path.join(tmpdir(), 'lead-capture-e2e-'));
  let output = '';
  const child = spawn(
    process.execPath,
    ['demo/start.ts', '--port', String(port), '--inspector-port', String(inspectorPort), '--persist-to', state],
    {
      cwd,
      env: { ...process.env, SANDBOX_PORT: String(sandboxPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const relay = `http://127.0.0.1:${port}`;
  await waitForHealth(relay, child, () => output);
  return {
    relay,
    sandbox: `http://127.0.0.1:${sandboxPort}`,
    async stop() {
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(-child.pid, 'SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}
