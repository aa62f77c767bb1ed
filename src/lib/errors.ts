/**
 * The one error type. Every failure a client can see is an AppError with a
 * stable snake_case `code`; `onError` turns it into RFC 9457 problem+json.
 * @see https://www.rfc-editor.org/rfc/rfc9457
 * @see ../../shared/CONTRACT.md "Errors"
 */
export const problemCatalog = {
  malformed_body: { status: 400, title: "Malformed request body" },
  bad_request: { status: 400, title: "Bad request" },
  idempotency_key_required: { status: 400, title: "Idempotency-Key header required" },
  unauthorized: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "Not allowed for this role" },
  origin_not_allowed: { status: 403, title: "Origin not allowed" },
  invite_required: { status: 403, title: "An invite is required" },
  csrf_failed: { status: 403, title: "CSRF check failed" },
  turnstile_failed: { status: 403, title: "Human check failed" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict with the current state" },
  campaign_closed: { status: 409, title: "The campaign does not allow this now" },
  sold_out: { status: 409, title: "Sold out" },
  limit_exceeded: { status: 409, title: "Limit exceeded" },
  idempotency_in_flight: { status: 409, title: "A request with this key is still running" },
  payload_too_large: { status: 413, title: "Request body too large" },
  unsupported_media_type: { status: 415, title: "Unsupported content type" },
  validation_failed: { status: 422, title: "Validation failed" },
  idempotency_key_reused: { status: 422, title: "Idempotency-Key reused with another body" },
  rate_limited: { status: 429, title: "Too many requests" },
  internal_error: { status: 500, title: "Internal error" },
  misconfigured: { status: 500, title: "Server misconfigured" },
  service_unavailable: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof problemCatalog;

export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members for the problem body, e.g. what is left of a sold-out variant. */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.detail ?? problemCatalog[code].title, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = problemCatalog[code].status;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers;
    this.extra = options.extra;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Short helper for the most common case: a record that is not there (or not yours). */
export const notFound = (what = "Resource") =>
  new AppError("not_found", { detail: `${what} not found` });

/** 429 always carries Retry-After (seconds). */
export const rateLimited = (retryAfterSeconds: number) => {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError("rate_limited", {
    detail: `Too many requests; retry after ${seconds} s`,
    headers: { "Retry-After": String(seconds) },
  });
};
