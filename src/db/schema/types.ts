/** Shapes of the JSON columns (stored as text, typed via `.$type<...>()`). */

/** Text per locale; `en` is always present and is the fallback. */
export type LocalizedText = { en: string; uz?: string };

/**
 * Who a campaign is for. A signup outside these rules is accepted politely
 * with audience = 'outside_audience'. @see DOMAIN.md "Signup" (audience)
 */
export type AudienceRules = {
  /** Only these email domains are inside (empty/absent = any). */
  allowedDomains?: string[];
  /** These email domains are outside. */
  blockedDomains?: string[];
  /** ISO 3166-1 alpha-2 countries (from CF-IPCountry) that are inside. */
  countries?: string[];
  /** Only people already on the list (imported, consent_source = 'import') are inside. */
  allowListOnly?: boolean;
};

export type Branding = {
  accentColor?: string;
  logoUrl?: string;
  senderName?: string;
  replyTo?: string;
  /** Physical postal address shown in list mail footers. */
  postalAddress?: string;
};

/** An extra field asked on the pre-order form (e.g. phone, address). */
export type OrderField = {
  key: string;
  label: LocalizedText;
  type: "text" | "textarea" | "phone" | "address";
  required: boolean;
  maxLength?: number;
};

export type QuestionOption = { value: string; label: LocalizedText };

/** Answers by question key: text, one choice, many choices, or a checkbox. */
export type SignupAnswers = Record<string, string | string[] | boolean>;

/** Order field values by OrderField.key. */
export type OrderFieldValues = Record<string, string>;

/** Free-form before/after (or other) details of an audited change. */
export type AuditChanges = Record<string, unknown>;

/** JSON-safe value (job state, results, outbox payloads). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
