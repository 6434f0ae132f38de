/**
 * @module `GET /v1/health`: is the relay up, and which version answers.
 */
import { Hono } from 'hono';

export const RELAY_VERSION = '0.1.0';

export const healthRoutes = new Hono().get('/', (c) => c.json({ ok: true, version: RELAY_VERSION }));
