/**
 * @module Reads a JSON request body the safe way: only `application/json` (415), at most `maxBytes`
 * counted before parsing (413), well-formed (400 `invalid_json`), not nested too deep, and free of
 * keys that could reach an object's prototype.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';

export const MAX_BODY_BYTES = 32 * 1024;
const MAX_DEPTH = 8;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonBodyVariables = { body: unknown };

function checkShape(value: unknown, path: string[], depth: number): void {
  if (depth > MAX_DEPTH) {
    throw new ApiError('invalid_json', `JSON is nested deeper than ${MAX_DEPTH} levels`, {
      issues: [{ path: path.join('.'), rule: 'format', message: `Nested deeper than ${MAX_DEPTH} levels` }],
    });
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkShape(item, [...path, String(i)], depth + 1);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ApiError('validation_failed', `The key "${key}" is not allowed`, {
          issues: [{ path: [...path, key].join('.'), rule: 'unknown_field', message: 'This key is not allowed' }],
        });
      }
      checkShape(item, [...path, key], depth + 1);
    }
  }
}

async function readLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  const tooLarge = () => new ApiError('payload_too_large', `The body is over ${maxBytes} bytes`);
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError('invalid_json', 'The body is not valid UTF-8');
  }
}

export const jsonBody =
  (maxBytes = MAX_BODY_BYTES): MiddlewareHandler<{ Variables: JsonBodyVariables }> =>
  async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new ApiError('unsupported_media_type', 'Send the body as application/json');
    }
    const text = await readLimited(c.req.raw, maxBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError('invalid_json', 'The body is not valid JSON');
    }
    checkShape(body, [], 0);
    c.set('body', body);
    await next();
  };
