/**
 * @module Reads a JSON request body the safe way: only `application/json` (415; a route may also take another type), at most `maxBytes`
 * counted before parsing (413), well-formed (400 `invalid_json`), not nested too deep, free of keys
 * that could reach an object's prototype, and text all through (no lone surrogate in a string or key).
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.ts';

export const MAX_BODY_BYTES = 32 * 1024;
const MAX_DEPTH = 8;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Half of a UTF-16 surrogate pair on its own. JSON may spell one (`"\ud800"`), but it is not text:
 * no encoding can carry it, so whatever kept it would hand a provider a string its parser refuses.
 */
const LONE_SURROGATE = /\p{Cs}/u;

export type JsonBodyVariables = { body: unknown };

/** Named by where it is, never quoted: an answer must not carry the surrogate back. */
function notText(path: string[]): ApiError {
  return new ApiError('validation_failed', 'The body holds a string that is not Unicode text', {
    issues: [{ path: path.join('.'), rule: 'format', message: 'Holds a lone surrogate, which is not text' }],
  });
}

function checkShape(value: unknown, path: string[], depth: number): void {
  if (depth > MAX_DEPTH) {
    throw new ApiError('invalid_json', `JSON is nested deeper than ${MAX_DEPTH} levels`, {
      issues: [{ path: path.join('.'), rule: 'format', message: `Nested deeper than ${MAX_DEPTH} levels` }],
    });
  }
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw notText(path);
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkShape(item, [...path, String(i)], depth + 1);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) throw notText(path);
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
  (
    maxBytes = MAX_BODY_BYTES,
    types: readonly string[] = ['application/json'],
  ): MiddlewareHandler<{ Variables: JsonBodyVariables }> =>
  async (c, next) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!types.includes(type)) {
      throw new ApiError('unsupported_media_type', `Send the body as ${types.join(' or ')}`);
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
