/**
 * @module The one error the relay throws on purpose, and the handler that turns anything thrown
 * into the contract's body. Nothing from a provider or a stack trace reaches a client.
 */
import type { Context } from 'hono';
import { type ApiErrorBody, type ApiIssue, ERROR_STATUS, type ErrorCode } from '../shared/errors.ts';

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues: ApiIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { issues?: ApiIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toResponse(): Response {
    const body: ApiErrorBody = { error: { code: this.code, message: this.message } };
    if (this.issues) body.error.issues = this.issues;
    return Response.json(body, { status: this.status, headers: this.headers });
  }
}

export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof ApiError) return error.toResponse();
  console.error(JSON.stringify({ at: 'relay', path: c.req.path, error: String(error) }));
  return new ApiError('internal_error', 'Something went wrong on our side').toResponse();
}
