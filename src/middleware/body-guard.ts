import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../lib/errors";
import type { AppEnv } from "../lib/router";

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

export interface BodyGuardOptions {
  /** Largest accepted body in bytes; larger gets 413 `payload_too_large`. */
  maxBytes: number;
  /** Accept HTML form posts as well as JSON (signup works without JavaScript). */
  allowForm?: boolean;
  /** Other accepted media types, e.g. text/csv for imports. */
  extraTypes?: string[];
}

/**
 * Guards every request that carries a body: size first (413, checked while
 * streaming, so a lying Content-Length cannot get past it), then media type (415).
 * A body with no Content-Type is refused rather than guessed at.
 */
export function bodyGuard(options: BodyGuardOptions): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: options.maxBytes,
    onError: () => {
      throw new AppError("payload_too_large", {
        detail: `The body must be at most ${options.maxBytes} bytes`,
      });
    },
  });
  const extra = new Set((options.extraTypes ?? []).map((t) => t.toLowerCase()));
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") {
      return next();
    }
    const hasBody = c.req.raw.body !== null && c.req.header("content-length") !== "0";
    if (!hasBody) return next();
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const accepted =
      JSON_TYPE.test(mediaType) ||
      (options.allowForm === true && FORM_TYPES.has(mediaType)) ||
      extra.has(mediaType);
    if (!accepted) {
      const expected = ["application/json"];
      if (options.allowForm) expected.push(...FORM_TYPES);
      expected.push(...extra);
      throw new AppError("unsupported_media_type", {
        detail: `Send the body as ${expected.join(" or ")}`,
      });
    }
    return limit(c, next);
  };
}
