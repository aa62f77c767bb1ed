/**
 * Enum-like values shared by the schema (CHECK ... IN (...)), zod schemas and
 * the UI. Each tuple is `as const` so `z.enum(campaignStatuses)` works as is.
 *
 * Tuples marked "CHECKed" are enforced by a CHECK constraint; changing one needs
 * a table rebuild migration, so only stable state machines are CHECKed.
 * Growing vocabularies (email templates, job kinds, broadcast segments) are
 * validated by the app only. @see /work/shared/DOMAIN.md
 */

/** CHECKed. @see DOMAIN.md "Campaign" */
export const locales = ["en", "uz"] as const;
export type Locale = (typeof locales)[number];

/** CHECKed. @see DOMAIN.md "Campaign" (status table) */
export const campaignStatuses = ["draft", "waitlist", "presale", "paused", "closed"] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];
/** The statuses a campaign can be paused from (and resumes to). CHECKed. */
export const pausableCampaignStatuses = ["waitlist", "presale"] as const;

/** CHECKed. */
export const questionTypes = ["text", "single_choice", "multi_choice", "checkbox"] as const;
export type QuestionType = (typeof questionTypes)[number];

/** CHECKed. `pending` while double opt-in waits. @see DOMAIN.md "Signup" */
export const signupStatuses = ["pending", "confirmed"] as const;
export type SignupStatus = (typeof signupStatuses)[number];
/** CHECKed. */
export const reviewStates = ["ok", "flagged", "rejected"] as const;
export type ReviewState = (typeof reviewStates)[number];
/** CHECKed. */
export const audienceStates = ["inside", "outside_audience"] as const;
export type AudienceState = (typeof audienceStates)[number];
/** CHECKed. */
export const consentSources = ["form", "import"] as const;
export type ConsentSource = (typeof consentSources)[number];
/**
 * Funnel stage: derived from the signup's facts, never stored.
 * contact = any signup; lead = confirmed; prospect = invited_at set (holds a
 * personal invite); customer = has a live pre-order.
 */
export const signupStages = ["contact", "lead", "prospect", "customer"] as const;
export type SignupStage = (typeof signupStages)[number];

/** CHECKed. */
export const waveStatuses = ["queued", "running", "done", "failed"] as const;
export type WaveStatus = (typeof waveStatuses)[number];
/** CHECKed. What started the wave. */
export const waveSources = ["manual", "schedule", "backfill"] as const;
export type WaveSource = (typeof waveSources)[number];
/** CHECKed. `finished` = stock or list ran out (see schedules.finished_reason). */
export const scheduleStatuses = ["active", "paused", "finished"] as const;
export type ScheduleStatus = (typeof scheduleStatuses)[number];

/** CHECKed. @see DOMAIN.md "Invite code" */
export const inviteKinds = ["personal", "shared"] as const;
export type InviteKind = (typeof inviteKinds)[number];
/** Derived from revoked_at / expires_at / uses vs max_uses; not stored. */
export const inviteCodeStatuses = ["active", "used_up", "expired", "revoked"] as const;
export type InviteCodeStatus = (typeof inviteCodeStatuses)[number];
/** Reasons returned by POST /invites/check when a code is not valid. */
export const inviteCheckReasons = [
  "invalid",
  "expired",
  "revoked",
  "used_up",
  "not_for_this_email",
] as const;

/** CHECKed. @see DOMAIN.md "Pre-order" */
export const preorderStatuses = [
  "pending_verification",
  "reserved",
  "confirmed",
  "fulfilled",
  "cancelled",
  "expired",
] as const;
export type PreorderStatus = (typeof preorderStatuses)[number];
/** Orders whose units are taken from stock (count toward caps). */
export const livePreorderStatuses = [
  "pending_verification",
  "reserved",
  "confirmed",
  "fulfilled",
] as const;
/** Final: units were returned, so the order can never become live again (trigger). */
export const finalPreorderStatuses = ["cancelled", "expired"] as const;
/** CHECKed. */
export const preorderCancelActors = ["customer", "admin"] as const;
export type PreorderCancelActor = (typeof preorderCancelActors)[number];

/** CHECKed. Backfill hold lifecycle. */
export const holdStatuses = ["held", "claimed", "released"] as const;
export type HoldStatus = (typeof holdStatuses)[number];

/** CHECKed. */
export const idempotencyStatuses = ["in_flight", "done"] as const;
export type IdempotencyStatus = (typeof idempotencyStatuses)[number];

/** CHECKed. Transactional mail ignores unsubscribe; list mail honours it. */
export const emailCategories = ["transactional", "list"] as const;
export type EmailCategory = (typeof emailCategories)[number];
/** CHECKed. @see DOMAIN.md "Outbox email" */
export const outboxStatuses = ["queued", "sending", "sent", "failed", "suppressed"] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];
/** Not CHECKed (grows). Category per template, @see DOMAIN.md "Outbox email". */
export const emailTemplateCategories = {
  signup_confirm: "transactional",
  status_link: "transactional",
  order_verify: "transactional",
  order_receipt: "transactional",
  order_cancelled: "transactional",
  order_expired: "transactional",
  ship_date_changed: "transactional",
  login_link: "transactional",
  invitation: "list",
  reminder: "list",
  milestone: "list",
  broadcast: "list",
  last_chance: "list",
} as const satisfies Record<string, EmailCategory>;
export type EmailTemplate = keyof typeof emailTemplateCategories;
export const emailTemplates = Object.keys(emailTemplateCategories) as [
  EmailTemplate,
  ...EmailTemplate[],
];

/** CHECKed. */
export const suppressionReasons = ["bounce", "complaint", "manual"] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

/** Not CHECKed (grows). */
export const jobKinds = [
  "import_signups",
  "generate_invites",
  "wave",
  "broadcast",
  "bulk_confirm",
  "ship_date_notice",
  "rescore",
] as const;
export type JobKind = (typeof jobKinds)[number];
/** CHECKed. */
export const jobStatuses = ["queued", "running", "done", "failed"] as const;
export type JobStatus = (typeof jobStatuses)[number];
/** CHECKed. */
export const jobItemStatuses = ["pending", "done", "failed"] as const;
export type JobItemStatus = (typeof jobItemStatuses)[number];

/** Not CHECKed (grows). Who a broadcast goes to. @see DOMAIN.md "Wave, schedule, broadcast" */
export const broadcastSegments = [
  "all",
  "pending",
  "confirmed",
  "invited_not_ordered",
  "customers",
] as const;
export type BroadcastSegment = (typeof broadcastSegments)[number];

/** CHECKed. Members and API keys share the roles. */
export const memberRoles = ["owner", "editor", "viewer"] as const;
export type MemberRole = (typeof memberRoles)[number];
/** CHECKed. */
export const actorTypes = ["admin_token", "api_key", "member", "system", "customer"] as const;
export type ActorType = (typeof actorTypes)[number];

/**
 * Database error texts (CHECK constraint names and trigger RAISE messages) and
 * the API error code each one maps to. D1 reports a CHECK as
 * `CHECK constraint failed: <name>` and a trigger abort as its message, both
 * inside a longer `D1_ERROR: ...` string, so match with `includes`.
 */
export const constraintErrorCodes = {
  /** CHECK on variants: remaining would go below 0 (oversell) or above stock. */
  variant_remaining_range: "sold_out",
  /** CHECK on invite_codes: uses would exceed max_uses. */
  invite_uses_range: "invite_used_up",
  /** Trigger on preorder_items: per-customer cap for a variant exceeded. */
  limit_exceeded: "limit_exceeded",
  /** Trigger on invite_redemptions: shared code's per-email limit reached. */
  invite_used_up: "invite_used_up",
  /** Trigger on preorders: a cancelled/expired order cannot change status. */
  preorder_final: "invalid_transition",
  /** Trigger on preorder_items: items are immutable once written. */
  preorder_item_immutable: "invalid_transition",
} as const;
