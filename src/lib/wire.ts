import { z } from "@hono/zod-openapi";

/** Storage keeps UTC milliseconds; the wire speaks ISO 8601. */
export function iso(ms: number): string;
export function iso(ms: number | null | undefined): string | null;
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

export const isoDateTime = z.iso.datetime({ offset: true });

/** ISO 8601 in, UTC ms out (for request bodies). */
export const isoToMs = isoDateTime.transform((s) => Date.parse(s));

/** Path params of routes addressed by one record id (`/things/{id}`). */
export const idParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "cmp_0123456789abcdefghjkmnpqrs" }),
});
