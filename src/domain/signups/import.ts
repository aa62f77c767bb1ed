/**
 * CSV import of an existing list (issue 4 item 7), the request side: parse
 * the file, check the header, stage one job_item per row and enqueue the
 * `import_signups` job (./import-job.ts), which signs the rows up in chunks
 * through the same statements as the public form. Nothing is written to
 * signups here; the job row, its staged rows and the audit entry commit in
 * one batch.
 *
 * Rows are numbered as a spreadsheet shows them: the header is row 1 (blank
 * lines are skipped and not counted). Cells our export guarded against
 * formulas (`'=…`) are read back without the guard. Duplicates within the file are found
 * here, where the whole file is seen, and reported by the job with the rest.
 *
 * Limits: D1 allows 50 queries per invocation and ~100 KB per statement;
 * staged rows travel as JSON, ~90 KB per insert, and the request may spend
 * IMPORT_MAX_STAGE_STATEMENTS of its 50 queries on them.
 * @see ../../../../shared/DOMAIN.md "Jobs", "Signup"
 */
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { campaigns, questions } from "../../db/schema";
import type { JsonObject } from "../../db/schema/types";
import type { JobsQueue } from "../../jobs/messages";
import { enqueueJob, stageItems } from "../../jobs/runner";
import { AppError, notFound } from "../../lib/errors";
import { type AuditContext, auditInsert } from "../audit";
import { CsvParseError, parseCsv, stripFormulaGuard } from "./csv";
import { parseEmail } from "./email";
import { ANSWER_PREFIX, EXPORT_COLUMNS } from "./export";
import { IMPORT_FIELDS, IMPORT_UTM, type ImportParams, importSignupsJob } from "./import-job";

export const IMPORT_MAX_ROWS = 50_000;
/** Staging inserts per request: the rest of the 50 queries go to auth, the campaign and the job row. */
export const IMPORT_MAX_STAGE_STATEMENTS = 40;

const isField = (name: string) =>
  (IMPORT_FIELDS as readonly string[]).includes(name) ||
  (IMPORT_UTM as readonly string[]).includes(name);
/** Export columns an import ignores, so an export can be imported elsewhere as is. */
const IGNORED = new Set<string>(EXPORT_COLUMNS.filter((c) => !isField(c)));

export interface ImportOptions {
  confirm: boolean;
  sendWelcome: boolean;
  consentNote: string | null;
}

const invalid = (detail: string, path = "csv") =>
  new AppError("validation_failed", { detail, errors: [{ path, message: detail }] });

/** Header cells → the field each column fills (`answer:<key>`), or "" for ignored columns. */
export function mapHeader(header: string[], questionKeys: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  const columns = header.map((raw) => {
    const name = raw.trim().toLowerCase();
    // Spreadsheets often save trailing empty columns.
    if (name === "") return "";
    let field: string;
    if (isField(name)) {
      field = name;
    } else if (
      name.startsWith(ANSWER_PREFIX) &&
      questionKeys.has(name.slice(ANSWER_PREFIX.length))
    ) {
      field = `answer:${name.slice(ANSWER_PREFIX.length)}`;
    } else if (questionKeys.has(name)) {
      field = `answer:${name}`;
    } else if (IGNORED.has(name)) {
      return "";
    } else {
      throw invalid(
        `Unknown column "${raw.slice(0, 64)}": use email, name, locale, country, utm_*, or a question key`,
      );
    }
    if (seen.has(field)) throw invalid(`Column "${raw.slice(0, 64)}" appears twice`);
    seen.add(field);
    return field;
  });
  if (!seen.has("email")) throw invalid("The header row needs an `email` column");
  return columns;
}

/**
 * Parses and stages the file, then enqueues the job (job row, staged rows and
 * the audit entry in one batch). 422 for a file that cannot be read or has a
 * bad header, 413 for one too large to stage within D1's limits.
 */
export async function startImport(
  db: Db,
  queue: JobsQueue,
  audit: AuditContext,
  campaignId: string,
  csv: string,
  options: ImportOptions,
  createdBy: string | null,
): Promise<{ jobId: string; total: number }> {
  const qs = await db
    .select({ key: questions.key, campaignId: campaigns.id })
    .from(campaigns)
    .leftJoin(questions, eq(questions.campaignId, campaigns.id))
    .where(eq(campaigns.id, campaignId));
  if (!qs.length) throw notFound("Campaign");
  const keys = new Set(qs.flatMap((q) => (q.key ? [q.key] : [])));

  let records: string[][];
  try {
    records = parseCsv(csv, IMPORT_MAX_ROWS + 2);
  } catch (err) {
    if (err instanceof CsvParseError) throw invalid(`${err.message} (row ${err.record})`);
    throw err;
  }
  const [header, ...rows] = records;
  if (!header) throw invalid("The file is empty");
  if (!rows.length) throw invalid("The file has a header but no rows");
  if (rows.length > IMPORT_MAX_ROWS) {
    throw new AppError("payload_too_large", {
      detail: `At most ${IMPORT_MAX_ROWS} rows per import; split the file`,
    });
  }
  const columns = mapHeader(header, keys);
  const used = columns.flatMap((c, i) => (c ? [i] : []));
  const emailAt = used.indexOf(columns.indexOf("email"));
  const firstRowOf = new Map<string, number>();
  const items = rows.map((cells, i) => {
    const row = i + 2;
    const values = used.map((c) => stripFormulaGuard(cells[c] ?? ""));
    const item: JsonObject = { r: row, v: values };
    const email = parseEmail(values[emailAt] ?? "");
    if (!("problem" in email)) {
      const first = firstRowOf.get(email.normalized);
      if (first === undefined) firstRowOf.set(email.normalized, row);
      else item.d = first;
    }
    return item;
  });
  if (stageItems(db, "job_probe", items).length > IMPORT_MAX_STAGE_STATEMENTS) {
    throw new AppError("payload_too_large", {
      detail: "The rows are too large to stage in one import; split the file",
    });
  }
  const params: ImportParams = { columns: used.map((c) => columns[c]!), ...options };
  const { id } = await enqueueJob(db, queue, {
    kind: importSignupsJob,
    campaignId,
    params,
    createdBy,
    items,
    with: (jobId) => [
      auditInsert(db, audit, {
        action: "signup.import",
        targetType: "job",
        targetId: jobId,
        campaignId,
        changes: {
          rows: items.length,
          confirm: options.confirm,
          send_welcome: options.sendWelcome,
          consent_source: "import",
          consent_note: options.consentNote,
        },
      }),
    ],
  });
  return { jobId: id, total: items.length };
}
