import { z } from "@hono/zod-openapi";
import { and, type Column, eq, lt, or, type SQL } from "drizzle-orm";
import { AppError } from "./errors";

/**
 * Keyset pagination: the cursor is the (sort value, id) of the last row seen,
 * so a page costs one indexed query however deep the client goes, and rows
 * inserted meanwhile do not shift pages. Opaque to clients (base64url JSON).
 */
export interface Cursor {
  v: number | string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify([cursor.v, cursor.id]));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(raw: string): Cursor {
  try {
    const bin = atob(raw.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (typeof parsed[0] === "number" || typeof parsed[0] === "string") &&
      typeof parsed[1] === "string"
    ) {
      return { v: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the uniform error below
  }
  throw new AppError("validation_failed", {
    detail: "The cursor is not one this API issued",
    errors: [{ path: "cursor", message: "Invalid cursor" }],
  });
}

export const paginationQuery = z.object({
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ description: "`next_cursor` from the previous page" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Fetch limit + 1 rows; the extra one only tells whether there is a next page. */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    next_cursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null,
  };
}

export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

/**
 * Rows after a keyset cursor in a newest-first list ordered by
 * (created_at DESC, id DESC), or no condition without a cursor. One shape for
 * every admin list, so each page stays one indexed range query.
 */
export function olderThanCursor(
  createdAt: Column,
  id: Column,
  cursor: string | undefined,
): SQL | undefined {
  if (!cursor) return undefined;
  const cur = decodeCursor(cursor);
  const at = Number(cur.v);
  return or(lt(createdAt, at), and(eq(createdAt, at), lt(id, cur.id)));
}
