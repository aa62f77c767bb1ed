import { z } from "@hono/zod-openapi";

/**
 * An admin write's Idempotency-Key (header or body field): 1-255 printable
 * ASCII characters, the same bound as the pre-order header, so one client key
 * scheme (a UUID, a ULID) fits every idempotent route. The `schedule:` and
 * `backfill:` prefixes are the system's own keys for waves it starts.
 */
export const adminIdempotencyKey = z
  .string()
  .regex(/^[\x20-\x7e]{1,255}$/, "1-255 printable ASCII characters")
  .refine(
    (k) => !/^(schedule|backfill):/i.test(k),
    "The schedule: and backfill: prefixes are reserved",
  );

/** The problem+json body every error shares. @see https://www.rfc-editor.org/rfc/rfc9457 */
export const Problem = z
  .object({
    type: z.string().openapi({ example: "/problems/validation_failed" }),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ example: "validation_failed" }),
    detail: z.string().optional(),
    instance: z.string().openapi({ description: "The request id" }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const descriptions: Record<number, string> = {
  400: "Malformed body or missing required header",
  401: "Missing or invalid credentials",
  403: "Not allowed",
  404: "Not found",
  409: "Conflicts with the current state",
  413: "Body too large",
  415: "Wrong content type",
  422: "Validation failed",
  429: "Rate limited (see Retry-After)",
};

/** OpenAPI response entries for the listed error statuses. */
export function errorResponses<S extends number>(...statuses: S[]) {
  const out = {} as Record<
    S,
    { description: string; content: { "application/problem+json": { schema: typeof Problem } } }
  >;
  for (const s of statuses) {
    out[s] = {
      description: descriptions[s] ?? "Error",
      content: { "application/problem+json": { schema: Problem } },
    };
  }
  return out;
}
