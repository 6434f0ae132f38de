/**
 * @module Runs the sandbox in Node on 127.0.0.1 (port from SANDBOX_PORT, default 8790).
 */
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createSandbox } from './index.ts';

export function startSandbox(port: number) {
  const { app } = createSandbox(undefined, { buyerPageUrl: `http://127.0.0.1:${port}/_sandbox/buyer` });
  return serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.SANDBOX_PORT ?? 8790);
  startSandbox(port);
  console.log(`sandbox listening on http://127.0.0.1:${port}`);
}
