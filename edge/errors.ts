/**
 * @module The one error the relay throws on purpose, and the handler that turns anything thrown
 * into the contract's body. Nothing from a provider or a stack trace reaches a client.
 */
import type { Context } from 'hono';
import { type ApiErrorBody, type ApiIssue, ERROR_STATUS, type ErrorCode } from '../shared/errors.ts';

/** Enough to show every problem on a step of any real form; a longer list is a client sending junk. */
const MAX_ISSUES = 20;
/** Longer than any path or message the relay writes about a form's own fields (names are ≤ 64). */
const MAX_TEXT = 200;

/** `text` cut to `MAX_TEXT` characters (code points, so no surrogate pair is split), marked with "…". */
function clip(text: string): string {
  if (text.length <= MAX_TEXT) return text;
  const chars = [...text];
  return chars.length > MAX_TEXT ? `${chars.slice(0, MAX_TEXT - 1).join('')}…` : text;
}

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

  /**
   * The contract's body. Paths and messages may quote keys the client chose, so it is bounded
   * whatever was sent: the first `MAX_ISSUES` issues (and how many there were, when more), no text
   * longer than `MAX_TEXT`.
   */
  toResponse(): Response {
    const body: ApiErrorBody = { error: { code: this.code, message: clip(this.message) } };
    if (this.issues) {
      body.error.issues = this.issues.slice(0, MAX_ISSUES).map((issue) => ({
        ...issue,
        path: clip(issue.path),
        message: clip(issue.message),
      }));
      if (this.issues.length > MAX_ISSUES) body.error.issueCount = this.issues.length;
    }
    return Response.json(body, { status: this.status, headers: this.headers });
  }
}

export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof ApiError) return error.toResponse();
  console.error(JSON.stringify({ at: 'relay', path: c.req.path, error: String(error) }));
  return new ApiError('internal_error', 'Something went wrong on our side').toResponse();
}
