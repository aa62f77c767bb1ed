/**
 * The `import_signups` job: staged CSV rows (./import.ts) signed up in
 * chunks through the public form's statements (./create.ts), with the same
 * email and answer rules, `consent_source = 'import'` and the admin's consent
 * note on every row (consent_form_version = `import <job id>: <note>`).
 *
 * Per row it accepts or rejects with a reason: invalid_email,
 * email_too_long, duplicate_in_file, already_on_list (reported, never
 * touched), bad_answer, name_invalid, invalid_locale, invalid_country,
 * invalid_value, row_too_large. Required questions are not enforced: these
 * people answered elsewhere. `confirm` (default) writes them confirmed on the
 * admin's word that they consented, with a welcome email only when
 * `sendWelcome`; otherwise pending, and each gets the confirm link.
 *
 * A chunk's writes go back to the runner as `statements`, committed in one
 * batch with its progress, so a retried chunk never counts or writes twice.
 * @see ../../jobs/runner.ts
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { campaigns, type Locale, locales, questions, signups } from "../../db/schema";
import type { JsonObject } from "../../db/schema/types";
import { kickOutbox } from "../../email";
import { registerJobKind } from "../../jobs/registry";
import { JobError } from "../../jobs/runner";
import { validateAnswers } from "./answers";
import { createSignupStatements, type SignupRowInput } from "./create";
import { parseEmail } from "./email";

export const IMPORT_FIELDS = ["email", "name", "locale", "country"] as const;
export const IMPORT_UTM = [
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
] as const;

export const IMPORT_CHUNK_ROWS = 50;
/** Estimated JSON bytes of one row as createSignupStatements binds it; larger rows are rejected. */
export const IMPORT_MAX_ROW_BYTES = 6_000;
/** JSON bytes per createSignupStatements call (its rows travel as one bound parameter). */
const PLAN_BYTES = 80_000;
/** Statements per createSignupStatements call at most: insert, 3 referral credits, the email. */
const PLAN_STATEMENTS = 5;
/** Greedy grouping leaves each full group more than PLAN_BYTES − one row. */
const MAX_PLANS = Math.ceil(
  (IMPORT_CHUNK_ROWS * IMPORT_MAX_ROW_BYTES) / (PLAN_BYTES - IMPORT_MAX_ROW_BYTES),
);
/**
 * Errors listed in the job result; the counts by reason cover them all. The
 * list rides in jobs.state and jobs.result, both bound in the progress
 * UPDATE, which must stay well under D1's 100 KB per statement.
 */
const MAX_LISTED_ERRORS = 200;
const MAX_NAME = 200;
const MAX_UTM = 200;

const paramsSchema = z.object({
  /** The field each staged value fills: email, name, …, or `answer:<key>`. */
  columns: z.array(z.string()),
  confirm: z.boolean(),
  sendWelcome: z.boolean(),
  consentNote: z.string().nullable(),
});
export type ImportParams = z.infer<typeof paramsSchema>;

type RowError = { row: number; reason: string; detail?: string };
interface ImportState extends JsonObject {
  accepted: number;
  rejected: number;
  reasons: Record<string, number>;
  errors: RowError[];
}

type ImportCampaign = Awaited<ReturnType<typeof loadCampaign>>;

async function loadCampaign(db: Db, campaignId: string) {
  const [c, qs] = await db.batch([
    db
      .select({
        id: campaigns.id,
        defaultLocale: campaigns.defaultLocale,
        doubleOptIn: campaigns.doubleOptIn,
        audienceRules: campaigns.audienceRules,
        referralEnabled: campaigns.referralEnabled,
      })
      .from(campaigns)
      .where(eq(campaigns.id, campaignId))
      .limit(1),
    db
      .select()
      .from(questions)
      .where(eq(questions.campaignId, campaignId))
      .orderBy(asc(questions.sortOrder)),
  ]);
  if (!c[0]) throw new JobError("The campaign no longer exists");
  // Required questions are not enforced on imports: these people answered elsewhere.
  return { ...c[0], questions: qs.map((q) => ({ ...q, required: false })) };
}

const blank = (s: string | undefined) => {
  const v = s?.trim();
  return v ? v : null;
};
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** One staged row → the signup to write, or why not. */
function rowInput(
  campaign: ImportCampaign,
  p: ImportParams,
  payload: JsonObject,
  now: number,
  consentVersion: string,
): SignupRowInput | { reason: string; detail?: string } {
  const cells = Array.isArray(payload.v) ? payload.v.map(String) : [];
  const get = (field: string) => {
    const at = p.columns.indexOf(field);
    return at < 0 ? undefined : cells[at];
  };
  if (typeof payload.d === "number") {
    return { reason: "duplicate_in_file", detail: `Same email as row ${payload.d}` };
  }
  const email = parseEmail(get("email") ?? "");
  if ("problem" in email)
    return { reason: email.problem === "email_too_long" ? "email_too_long" : "invalid_email" };
  const name = blank(get("name"));
  if (name && ([...name].length > MAX_NAME || CONTROL.test(name)))
    return { reason: "name_invalid" };
  const localeRaw = blank(get("locale"))?.toLowerCase();
  if (localeRaw && !(locales as readonly string[]).includes(localeRaw))
    return { reason: "invalid_locale" };
  const locale = (localeRaw ?? campaign.defaultLocale) as Locale;
  const country = blank(get("country"))?.toUpperCase() ?? null;
  if (country && !/^[A-Z]{2}$/.test(country)) return { reason: "invalid_country" };
  const utm: Record<string, string | null> = {};
  for (const key of IMPORT_UTM) {
    const v = blank(get(key));
    if (v && (v.length > MAX_UTM || CONTROL.test(v)))
      return { reason: "invalid_value", detail: key };
    utm[key] = v;
  }
  const raw: Record<string, unknown> = {};
  for (const q of campaign.questions) {
    const v = get(`answer:${q.key}`);
    if (v === undefined || v.trim() === "") continue;
    raw[q.key] = q.type === "multi_choice" ? v.split(";").map((s) => s.trim()) : v;
  }
  const { answers, issues } = validateAnswers(campaign.questions, raw, { fromForm: true });
  const issue = issues[0];
  if (issue) return { reason: "bad_answer", detail: `${issue.path}: ${issue.code}` };
  return {
    email: email.email,
    emailNormalized: email.normalized,
    name,
    locale,
    answers,
    consentAt: now,
    consentFormVersion: consentVersion,
    consentLocale: locale,
    consentSource: "import",
    country,
    utmSource: utm.utm_source ?? null,
    utmMedium: utm.utm_medium ?? null,
    utmCampaign: utm.utm_campaign ?? null,
    utmTerm: utm.utm_term ?? null,
    utmContent: utm.utm_content ?? null,
  };
}

/** Rows in groups whose JSON stays within PLAN_BYTES (each group is one createSignupStatements). */
function groupBySize(rows: SignupRowInput[]): SignupRowInput[][] {
  const groups: SignupRowInput[][] = [];
  let group: SignupRowInput[] = [];
  let bytes = 0;
  for (const r of rows) {
    const size = rowBytes(r);
    if (group.length && bytes + size > PLAN_BYTES) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(r);
    bytes += size;
  }
  if (group.length) groups.push(group);
  return groups;
}
/** The row's JSON plus the keys and generated fields createSignupStatements adds. */
const rowBytes = (r: SignupRowInput) => JSON.stringify(r).length + 600;

export const importSignupsJob = registerJobKind<ImportParams, ImportState>("import_signups", {
  chunkSize: IMPORT_CHUNK_ROWS,
  stagedItems: true,
  // The campaign (2), the known-address check (1), then the plans.
  maxQueries: 3 + MAX_PLANS * PLAN_STATEMENTS,
  params: paramsSchema,
  async run(db, env, job, chunk) {
    if (!job.campaignId) throw new JobError("The import has no campaign");
    const campaign = await loadCampaign(db, job.campaignId);
    const p = job.params;
    const now = Date.now();
    const note = p.consentNote ? `: ${p.consentNote}` : "";
    const consentVersion = `import ${job.id}${note}`.slice(0, 500);
    const state: ImportState = job.state ?? { accepted: 0, rejected: 0, reasons: {}, errors: [] };

    const rejected: { seq: number; error: RowError }[] = [];
    const ok: { seq: number; row: number; input: SignupRowInput }[] = [];
    for (const item of chunk.items) {
      const row = Number(item.payload.r);
      const out = rowInput(campaign, p, item.payload, now, consentVersion);
      if ("reason" in out) rejected.push({ seq: item.seq, error: { row, ...out } });
      else if (rowBytes(out) > IMPORT_MAX_ROW_BYTES) {
        rejected.push({ seq: item.seq, error: { row, reason: "row_too_large" } });
      } else ok.push({ seq: item.seq, row, input: out });
    }

    // Known addresses are reported, not touched. (The insert's ON CONFLICT
    // DO NOTHING still covers one that signs up between this read and the batch.)
    const known = ok.length
      ? await db
          .select({ e: signups.emailNormalized })
          .from(signups)
          .where(
            and(
              eq(signups.campaignId, campaign.id),
              sql`${signups.emailNormalized} IN (SELECT value FROM json_each(${JSON.stringify(
                ok.map((o) => o.input.emailNormalized),
              )}))`,
            ),
          )
      : [];
    const knownSet = new Set(known.map((k) => k.e));
    const fresh = ok.filter((o) => {
      if (!knownSet.has(o.input.emailNormalized)) return true;
      rejected.push({ seq: o.seq, error: { row: o.row, reason: "already_on_list" } });
      return false;
    });

    const status = p.confirm ? "confirmed" : "pending";
    // Pending people must get the confirm link, or they could never confirm.
    const notifyNew = p.confirm ? p.sendWelcome : true;
    const statements = groupBySize(fresh.map((f) => f.input)).flatMap(
      (group) => createSignupStatements(db, campaign, group, now, { status, notifyNew }).statements,
    );
    // The runner commits these after run() returns: the delay lets the drain
    // find the rows (the cron sweep delivers them anyway if it does not).
    if (notifyNew && fresh.length) await kickOutbox(env, { delaySeconds: 5 });

    rejected.sort((a, b) => a.error.row - b.error.row);
    state.accepted += fresh.length;
    state.rejected += rejected.length;
    for (const r of rejected) {
      state.reasons[r.error.reason] = (state.reasons[r.error.reason] ?? 0) + 1;
      if (state.errors.length < MAX_LISTED_ERRORS) state.errors.push(r.error);
    }
    const finished = !chunk.hasMore;
    return {
      done: fresh.length,
      failed: rejected.length,
      failedItems: rejected.map((r) => ({ seq: r.seq, error: r.error.reason })),
      statements,
      nextState: finished ? null : state,
      result: {
        ...state,
        errors_listed: state.errors.length,
        consent_source: "import",
        consent_note: p.consentNote,
        confirm: p.confirm,
        send_welcome: p.sendWelcome,
      },
    };
  },
});
