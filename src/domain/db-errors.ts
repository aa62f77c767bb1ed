import { constraintErrorCodes } from "../db/schema";

/**
 * D1 reports constraint failures only as error text (e.g.
 * "UNIQUE constraint failed: members.email: SQLITE_CONSTRAINT"). These helpers
 * read that text in one place so domain code can map failures to API codes.
 */
export function errorText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    if (cur instanceof Error) {
      parts.push(cur.message);
      cur = cur.cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.join(" | ");
}

export const isUniqueViolation = (e: unknown) => /UNIQUE constraint failed/i.test(errorText(e));

/** The stable code a CHECK or trigger abort maps to, if any. */
export function constraintCode(e: unknown): string | null {
  const text = errorText(e);
  for (const [needle, code] of Object.entries(constraintErrorCodes)) {
    if (text.includes(needle)) return code;
  }
  return null;
}
