import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { SettingsError } from "../config";
import { AppError, problemCatalog } from "../lib/errors";
import { log } from "../lib/log";
import type { AppEnv } from "../lib/router";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Renders an AppError as RFC 9457 problem+json; never leaks internals. */
export function problemResponse(c: Context<AppEnv>, err: AppError): Response {
  // Extras first: they add to a problem, never replace its members (a
  // domain's `status: "draft"` must not stand in for the HTTP status).
  const body: Record<string, unknown> = {
    ...(err.extra ?? {}),
    type: `/problems/${err.code}`,
    title: problemCatalog[err.code].title,
    status: err.status,
    code: err.code,
    ...(err.detail ? { detail: err.detail } : {}),
    instance: c.get("requestId") ?? "unknown",
    ...(err.errors?.length ? { errors: err.errors } : {}),
  };
  const headers = new Headers(err.headers);
  headers.set("Content-Type", PROBLEM_CONTENT_TYPE);
  headers.set("Cache-Control", "no-store");
  // Set here too: a fresh Response does not carry headers set earlier on the context.
  if (c.get("requestId")) headers.set("X-Request-Id", c.get("requestId"));
  return new Response(JSON.stringify(body), { status: err.status, headers });
}

/** Maps whatever was thrown to an AppError: known ones pass, the rest become 500s (logged). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    // Hono's own validators and middleware throw these; keep their status, not their text.
    if (err.status === 400) return new AppError("malformed_body", { detail: err.message });
    if (err.status === 413) return new AppError("payload_too_large");
    if (err.status === 401) return new AppError("unauthorized");
    if (err.status === 404) return new AppError("not_found");
  }
  if (err instanceof SettingsError) return new AppError("misconfigured");
  return new AppError("internal_error", { cause: err });
}

export function onError(err: unknown, c: Context<AppEnv>): Response {
  const appErr = toAppError(err);
  if (appErr.status >= 500) {
    log("error", "request failed", {
      request_id: c.get("requestId"),
      code: appErr.code,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
  }
  return problemResponse(c, appErr);
}
