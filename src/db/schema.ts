/**
 * The whole data model. drizzle.config.ts points here; the tables live in
 * src/db/schema/<area>.ts and are re-exported so drizzle-kit and the app see
 * one module.
 *
 * Runtime: create the client with the same casing as drizzle-kit, e.g.
 *   drizzle(env.DB, { schema, casing: "snake_case" })
 *
 * Hard rules live in the database (CHECKs in the tables, triggers in
 * migrations/0001_triggers.sql); `constraintErrorCodes` maps their D1 error
 * texts to API error codes. @see /work/shared/DOMAIN.md
 */
import type { campaigns, questions, variants } from "./schema/campaigns";
import type { outboxEmails, suppressions, webhookEvents } from "./schema/email";
import type {
  apiKeys,
  auditLog,
  jobItems,
  jobs,
  loginLinks,
  memberSessions,
  members,
  rateCounters,
} from "./schema/ops";
import type {
  holds,
  idempotencyKeys,
  inviteRedemptions,
  preorderItems,
  preorders,
} from "./schema/orders";
import type { inviteCodes, signups } from "./schema/signups";
import type { broadcasts, schedules, waveMembers, waves } from "./schema/waves";

export * from "./schema/campaigns";
export { type IdPrefix, idPrefixes, newId } from "./schema/columns";
export * from "./schema/email";
export * from "./schema/enums";
export * from "./schema/ops";
export * from "./schema/orders";
export * from "./schema/relations";
export * from "./schema/signups";
export type * from "./schema/types";
export * from "./schema/waves";

export type Campaign = typeof campaigns.$inferSelect;
export type NewCampaign = typeof campaigns.$inferInsert;
export type Variant = typeof variants.$inferSelect;
export type NewVariant = typeof variants.$inferInsert;
export type Question = typeof questions.$inferSelect;
export type NewQuestion = typeof questions.$inferInsert;
export type Signup = typeof signups.$inferSelect;
export type NewSignup = typeof signups.$inferInsert;
export type InviteCode = typeof inviteCodes.$inferSelect;
export type NewInviteCode = typeof inviteCodes.$inferInsert;
export type Wave = typeof waves.$inferSelect;
export type NewWave = typeof waves.$inferInsert;
export type WaveMember = typeof waveMembers.$inferSelect;
export type NewWaveMember = typeof waveMembers.$inferInsert;
export type Schedule = typeof schedules.$inferSelect;
export type NewSchedule = typeof schedules.$inferInsert;
export type Broadcast = typeof broadcasts.$inferSelect;
export type NewBroadcast = typeof broadcasts.$inferInsert;
export type Preorder = typeof preorders.$inferSelect;
export type NewPreorder = typeof preorders.$inferInsert;
export type PreorderItem = typeof preorderItems.$inferSelect;
export type NewPreorderItem = typeof preorderItems.$inferInsert;
export type InviteRedemption = typeof inviteRedemptions.$inferSelect;
export type NewInviteRedemption = typeof inviteRedemptions.$inferInsert;
export type Hold = typeof holds.$inferSelect;
export type NewHold = typeof holds.$inferInsert;
export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;
export type NewIdempotencyKey = typeof idempotencyKeys.$inferInsert;
export type OutboxEmail = typeof outboxEmails.$inferSelect;
export type NewOutboxEmail = typeof outboxEmails.$inferInsert;
export type Suppression = typeof suppressions.$inferSelect;
export type NewSuppression = typeof suppressions.$inferInsert;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type NewWebhookEvent = typeof webhookEvents.$inferInsert;
export type Job = typeof jobs.$inferSelect;
export type NewJob = typeof jobs.$inferInsert;
export type JobItem = typeof jobItems.$inferSelect;
export type NewJobItem = typeof jobItems.$inferInsert;
export type Member = typeof members.$inferSelect;
export type NewMember = typeof members.$inferInsert;
export type MemberSession = typeof memberSessions.$inferSelect;
export type NewMemberSession = typeof memberSessions.$inferInsert;
export type LoginLink = typeof loginLinks.$inferSelect;
export type NewLoginLink = typeof loginLinks.$inferInsert;
export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
export type AuditLogEntry = typeof auditLog.$inferSelect;
export type NewAuditLogEntry = typeof auditLog.$inferInsert;
export type RateCounter = typeof rateCounters.$inferSelect;
export type NewRateCounter = typeof rateCounters.$inferInsert;
