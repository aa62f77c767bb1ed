/**
 * Values of a campaign's order fields (phone, address, …), checked like
 * signup answers (../signups/answers.ts): keys must be fields of the
 * campaign, values strings, trimmed, empty = not given, required ones
 * present, at most the field's max_length (or the type's default), and
 * each type's shape:
 *  - text, phone: one line;
 *  - textarea, address: several lines allowed (line breaks normalised to \n);
 *  - phone: digits with an optional leading +, spaces, dots, dashes and
 *    brackets; 6 to 15 digits (E.164 allows at most 15).
 * Control characters are refused everywhere. Values are stored verbatim
 * otherwise (they are data: pages and emails escape them).
 * @see https://www.itu.int/rec/T-REC-E.164
 */
import type { OrderField, OrderFieldValues } from "../../db/schema";

export type FieldProblem = "required" | "too_long" | "invalid_value" | "unknown_field";

export interface FieldIssue {
  /** `fields.<key>`, the wire path. */
  path: string;
  code: FieldProblem;
  key: string;
  max?: number;
}

/** Longest value per type when the field sets no max_length. */
export const DEFAULT_FIELD_MAX: Record<OrderField["type"], number> = {
  text: 200,
  textarea: 2000,
  phone: 32,
  address: 1000,
};

const MULTILINE = new Set<OrderField["type"]>(["textarea", "address"]);
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
const PHONE = /^\+?[0-9 ().-]+$/;

const MESSAGES: Record<FieldProblem, (max?: number) => string> = {
  required: () => "Required",
  too_long: (max) => `At most ${max} characters`,
  invalid_value: () => "Not a valid value for this field",
  unknown_field: () => "This campaign has no such order field",
};

export const fieldIssueMessage = (i: FieldIssue) => MESSAGES[i.code](i.max);

function fieldValue(
  field: OrderField,
  raw: unknown,
): { value?: string; problem?: FieldProblem; max?: number } {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "string") return { problem: "invalid_value" };
  const text = raw.replace(/\r\n?/g, "\n").trim();
  if (!text) return {};
  const max = field.maxLength ?? DEFAULT_FIELD_MAX[field.type];
  if ([...text].length > max) return { problem: "too_long", max };
  if (CONTROL.test(text.replaceAll("\n", ""))) return { problem: "invalid_value" };
  if (!MULTILINE.has(field.type) && text.includes("\n")) return { problem: "invalid_value" };
  if (field.type === "phone") {
    const digits = text.replace(/\D/g, "").length;
    if (!PHONE.test(text) || digits < 6 || digits > 15) return { problem: "invalid_value" };
  }
  return { value: text };
}

/**
 * Checks `raw` against the campaign's order fields. Returns the values to
 * store (given fields only) and every problem, in field order.
 */
export function validateOrderFields(
  fields: readonly OrderField[],
  raw: Record<string, unknown> | undefined,
): { values: OrderFieldValues; issues: FieldIssue[] } {
  const given = raw ?? {};
  const values: OrderFieldValues = {};
  const issues: FieldIssue[] = [];
  const known = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) issues.push({ path: `fields.${key}`, code: "unknown_field", key });
  }
  for (const field of fields) {
    const raw = Object.hasOwn(given, field.key) ? given[field.key] : undefined;
    const { value, problem, max } = fieldValue(field, raw);
    const path = `fields.${field.key}`;
    if (problem) issues.push({ path, code: problem, key: field.key, ...(max ? { max } : {}) });
    else if (value === undefined && field.required)
      issues.push({ path, code: "required", key: field.key });
    else if (value !== undefined) values[field.key] = value;
  }
  return { values, issues };
}
