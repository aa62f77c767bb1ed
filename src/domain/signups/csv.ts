/**
 * CSV in and out, per RFC 4180: fields separated by commas, records by CRLF;
 * a field holding a comma, a double quote, CR or LF is quoted, with quotes
 * doubled. Exports are also made safe to open in a spreadsheet: a text cell
 * starting with `=`, `+`, `-`, `@`, TAB or CR would run as a formula there
 * (CSV injection), so it gets a leading `'`.
 * @see https://www.rfc-editor.org/rfc/rfc4180
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 */

export type CsvValue = string | number | boolean | null | undefined | readonly string[];

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: text neutralised against formulas, then quoted when needed. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  let text = typeof value === "string" ? value : value.join("; ");
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The inverse of the formula guard, for reading our own exports back: a cell
 * that is `'` followed by a formula character loses the `'`. (A value that
 * really began with `'=` would lose it too; no email, name or answer does.)
 */
export function stripFormulaGuard(cell: string): string {
  return cell.length > 1 && cell[0] === "'" && FORMULA_START.test(cell.slice(1))
    ? cell.slice(1)
    : cell;
}

/** One record, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

export class CsvParseError extends Error {
  override name = "CsvParseError";
  constructor(
    message: string,
    /** 1-based record number (the header is record 1). */
    readonly record: number,
  ) {
    super(message);
  }
}

/**
 * Parses RFC 4180 text into records of fields. Accepts LF as well as CRLF
 * line ends (spreadsheets on every OS write one or the other), a UTF-8 BOM,
 * and a missing final line break; blank lines are skipped. Throws
 * CsvParseError on a quote that is never closed or text after a closing
 * quote. Scans with indexOf / a sticky regex rather than char by char, since
 * an import may be megabytes. `maxRecords` stops early (the caller reports
 * "too many rows").
 */
export function parseCsv(text: string, maxRecords = Number.POSITIVE_INFINITY): string[][] {
  const records: string[][] = [];
  const n = text.length;
  const delimiter = /[,\r\n]/g;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let record: string[] = [];

  while (i < n && records.length < maxRecords) {
    let field: string;
    if (text[i] === '"') {
      field = "";
      let pos = i + 1;
      for (;;) {
        const q = text.indexOf('"', pos);
        if (q === -1) {
          throw new CsvParseError("A quoted field is never closed", records.length + 1);
        }
        field += text.slice(pos, q);
        if (text[q + 1] === '"') {
          field += '"';
          pos = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\r" && next !== "\n") {
        throw new CsvParseError("Text after a closing quote", records.length + 1);
      }
    } else {
      delimiter.lastIndex = i;
      const m = delimiter.exec(text);
      const end = m ? m.index : n;
      field = text.slice(i, end);
      i = end;
    }
    record.push(field);
    const sep = text[i];
    if (sep === ",") {
      i += 1;
      // A trailing comma ends the record with one more empty field.
      if (i >= n || text[i] === "\r" || text[i] === "\n") record.push("");
      else continue;
    }
    // End of record (line break or end of text); a blank line is one empty field: skip it.
    if (!(record.length === 1 && record[0] === "")) records.push(record);
    record = [];
    if (text[i] === "\r") i += text[i + 1] === "\n" ? 2 : 1;
    else if (text[i] === "\n") i += 1;
  }
  return records;
}

/** One keyset page of an export: its rows and the cursor after them. */
export interface CsvPage<Row> {
  rows: Row[];
  nextCursor: string | null;
}

/**
 * Streams a CSV export page by page: the header first, then each pull writes
 * the page in hand and fetches the next with one keyset query, so memory stays
 * flat and queries grow with pages, at most `maxPages` per response (D1's
 * per-invocation query limit; the caller links the next part).
 */
export function csvPageStream<Row>(options: {
  header: readonly CsvValue[];
  first: CsvPage<Row>;
  next: (cursor: string) => Promise<CsvPage<Row>>;
  encode: (row: Row) => string;
  maxPages: number;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let page: CsvPage<Row> | null = options.first;
  let pages = 1;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRow(options.header)));
    },
    async pull(controller) {
      if (!page) {
        controller.close();
        return;
      }
      const current = page;
      page = null;
      controller.enqueue(encoder.encode(current.rows.map(options.encode).join("")));
      if (current.nextCursor && pages < options.maxPages) {
        pages += 1;
        page = await options.next(current.nextCursor);
      } else {
        controller.close();
      }
    },
  });
}
