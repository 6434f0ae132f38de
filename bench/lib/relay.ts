/**
 * The relay as `npm start` runs it (demo/start.ts: local D1 migrations, provider sandbox, `wrangler
 * dev`), on free ports with its own temporary `--persist-to`, like test/e2e/demo-server.ts. Extra
 * `wrangler dev` arguments (a `--var`) go after the script's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, type Server, startServer, WRANGLER_ENV } from './proc.ts';

export interface Relay extends Server {
  sandbox: string;
}

export async function startRelay(sandboxPort: number, extraArgs: string[] = []): Promise<Relay> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const state = mkdtempSync(path.join(tmpdir(), 'lead-capture-bench-relay-'));
  try {
    const server = await startServer(
      process.execPath,
      [
        'demo/start.ts',
        '--port',
        String(port),
        '--inspector-port',
        String(inspectorPort),
        '--persist-to',
        state,
        ...extraArgs,
      ],
      port,
      '/v1/health',
      // The bench builds the widget once itself, before measuring its weight.
      { ...WRANGLER_ENV, SANDBOX_PORT: String(sandboxPort), SKIP_WIDGET_BUILD: '1' },
    );
    return {
      ...server,
      sandbox: `http://127.0.0.1:${sandboxPort}`,
      async stop() {
        await server.stop();
        rmSync(state, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(state, { recursive: true, force: true });
    throw error;
  }
}
