import type { Question } from "../db/schema";
import type { Locale, Translate } from "../i18n";

/**
 * Form controls of the landing page (./landing.tsx): one per question type,
 * each with its <label> (or fieldset and legend), hint and error tied to it
 * by aria-describedby, and aria-invalid when it has an error.
 */

export const localized = (text: { en: string; uz?: string } | null | undefined, locale: Locale) =>
  text ? (text[locale] ?? text.en) : "";

export function Marker(props: { tr: Translate; required: boolean }) {
  return (
    <span class="muted">
      {" "}
      ({props.tr(props.required ? "landing.required" : "landing.optional")})
    </span>
  );
}

export function ErrorText(props: { id: string; message?: string | undefined }) {
  return props.message ? (
    <p class="field-error" id={`e-${props.id}`}>
      {props.message}
    </p>
  ) : null;
}

/** aria-describedby from the ids that exist (hint, error). */
export const describedBy = (...ids: (string | false | undefined)[]) =>
  ids.filter(Boolean).join(" ") || undefined;

export function QuestionField(props: {
  q: Question;
  locale: Locale;
  tr: Translate;
  value: unknown;
  error?: string | undefined;
}) {
  const { q, locale, tr, value, error } = props;
  const id = `q-${q.key}`;
  const name = `answers[${q.key}]`;
  const help = localized(q.help, locale);
  const described = describedBy(help && `h-${id}`, error && `e-${id}`);
  const hint = help ? (
    <p class="field-hint" id={`h-${id}`}>
      {help}
    </p>
  ) : null;
  if (q.type === "text") {
    const long = (q.maxLength ?? 1000) > 200;
    const common = {
      id,
      name,
      maxlength: q.maxLength ?? 1000,
      required: q.required,
      "aria-invalid": error ? "true" : undefined,
      "aria-describedby": described,
    };
    return (
      <div class="field">
        <label for={id}>
          {localized(q.label, locale)}
          <Marker tr={tr} required={q.required} />
        </label>
        {long ? (
          <textarea {...common} rows={3}>
            {typeof value === "string" ? value : ""}
          </textarea>
        ) : (
          <input {...common} type="text" value={typeof value === "string" ? value : ""} />
        )}
        {hint}
        <ErrorText id={id} message={error} />
      </div>
    );
  }
  if (q.type === "checkbox") {
    return (
      <div class="field">
        <label for={id}>
          <input
            type="checkbox"
            id={id}
            name={name}
            value="on"
            checked={value === true || value === "on"}
            required={q.required}
            aria-invalid={error ? "true" : undefined}
            aria-describedby={described}
          />{" "}
          {localized(q.label, locale)}
          <Marker tr={tr} required={q.required} />
        </label>
        {hint}
        <ErrorText id={id} message={error} />
      </div>
    );
  }
  const multi = q.type === "multi_choice";
  const picked = new Set(Array.isArray(value) ? value : typeof value === "string" ? [value] : []);
  return (
    <fieldset class="field" id={id} aria-describedby={described}>
      <legend>
        {localized(q.label, locale)}
        <Marker tr={tr} required={q.required} />
      </legend>
      {hint}
      {(q.options ?? []).map((o, i) => (
        <label for={`${id}-${i}`}>
          <input
            type={multi ? "checkbox" : "radio"}
            id={`${id}-${i}`}
            name={multi ? `${name}[]` : name}
            value={o.value}
            checked={picked.has(o.value)}
            required={!multi && q.required}
            aria-invalid={error ? "true" : undefined}
          />{" "}
          {localized(o.label, locale)}
        </label>
      ))}
      <ErrorText id={id} message={error} />
    </fieldset>
  );
}
