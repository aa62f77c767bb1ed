/**
 * Answers to a campaign's questions, checked against each question's type
 * (DOMAIN.md "Funnel report" tallies them, so only clean values are stored):
 *  - text: a string up to the question's max_length (default below), trimmed;
 *  - single_choice: one of the option values;
 *  - multi_choice: a list of option values (duplicates dropped);
 *  - checkbox: a boolean (a required checkbox must be ticked).
 * Empty answers count as unanswered. Keys that are not questions of the
 * campaign are refused, so a typo in an integration shows up at once.
 *
 * HTML forms send strings only: `fromForm` accepts a checkbox's "on" and a
 * single string for a multi-choice question (one ticked box).
 */
import type { Question, SignupAnswers } from "../../db/schema";

/** Longest text answer when the question sets no max_length. */
export const DEFAULT_TEXT_MAX = 1000;

export type AnswerProblem =
  | "required"
  | "too_long"
  | "invalid_choice"
  | "invalid_value"
  | "unknown_question";

export interface AnswerIssue {
  /** `answers.<key>`, the wire path of the field. */
  path: string;
  code: AnswerProblem;
  /** Question key, for messages that name the question. */
  key: string;
  max?: number;
}

type AnswerQuestion = Pick<Question, "key" | "type" | "required" | "options" | "maxLength">;

const TRUE_WORDS = new Set(["on", "true", "1", "yes"]);
const FALSE_WORDS = new Set(["off", "false", "0", "no", ""]);

/** One answer → its stored value, undefined when unanswered, or a problem. */
function answerOf(
  q: AnswerQuestion,
  raw: unknown,
  fromForm: boolean,
): { value?: string | string[] | boolean; problem?: AnswerProblem; max?: number } {
  if (raw === undefined || raw === null) return {};
  switch (q.type) {
    case "text": {
      if (typeof raw !== "string") return { problem: "invalid_value" };
      const text = raw.trim();
      if (!text) return {};
      const max = q.maxLength ?? DEFAULT_TEXT_MAX;
      return [...text].length > max ? { problem: "too_long", max } : { value: text };
    }
    case "single_choice": {
      if (typeof raw !== "string") return { problem: "invalid_value" };
      if (raw === "") return {};
      return q.options?.some((o) => o.value === raw)
        ? { value: raw }
        : { problem: "invalid_choice" };
    }
    case "multi_choice": {
      const list = typeof raw === "string" && fromForm ? [raw] : raw;
      if (!Array.isArray(list) || !list.every((v) => typeof v === "string")) {
        return { problem: "invalid_value" };
      }
      const picked = [...new Set(list.filter((v) => v !== ""))];
      if (!picked.length) return {};
      const allowed = new Set(q.options?.map((o) => o.value));
      return picked.every((v) => allowed.has(v))
        ? { value: picked }
        : { problem: "invalid_choice" };
    }
    case "checkbox": {
      if (typeof raw === "boolean") return { value: raw };
      if (fromForm && typeof raw === "string") {
        const word = raw.trim().toLowerCase();
        if (TRUE_WORDS.has(word)) return { value: true };
        if (FALSE_WORDS.has(word)) return { value: false };
      }
      return { problem: "invalid_value" };
    }
  }
}

/**
 * Checks `raw` against the questions. Returns the answers to store (answered
 * questions only) and every problem found, in question order, so a form can
 * show them all at once.
 */
export function validateAnswers(
  questions: readonly AnswerQuestion[],
  raw: Record<string, unknown> | undefined,
  options: { fromForm?: boolean } = {},
): { answers: SignupAnswers; issues: AnswerIssue[] } {
  const given = raw ?? {};
  const answers: SignupAnswers = {};
  const issues: AnswerIssue[] = [];
  const known = new Set(questions.map((q) => q.key));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) issues.push({ path: `answers.${key}`, code: "unknown_question", key });
  }
  for (const q of questions) {
    const raw = Object.hasOwn(given, q.key) ? given[q.key] : undefined;
    const { value, problem, max } = answerOf(q, raw, options.fromForm === true);
    const path = `answers.${q.key}`;
    if (problem) {
      issues.push({ path, code: problem, key: q.key, ...(max ? { max } : {}) });
      continue;
    }
    const missing = value === undefined || (q.type === "checkbox" && value === false);
    if (q.required && missing) {
      issues.push({ path, code: "required", key: q.key });
      continue;
    }
    if (value !== undefined) answers[q.key] = value;
  }
  return { answers, issues };
}
