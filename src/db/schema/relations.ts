/** Relations for drizzle's relational queries (`db.query.campaigns.findFirst({ with: { variants: true } })`). */
import { relations } from "drizzle-orm";
import { campaigns, questions, variants } from "./campaigns";
import { outboxEmails } from "./email";
import { jobs, memberSessions, members } from "./ops";
import { holds, inviteRedemptions, preorderItems, preorders } from "./orders";
import { inviteCodes, signups } from "./signups";
import { schedules, waveMembers, waves } from "./waves";

export const campaignsRelations = relations(campaigns, ({ many }) => ({
  variants: many(variants),
  questions: many(questions),
  signups: many(signups),
  preorders: many(preorders),
  waves: many(waves),
  schedules: many(schedules),
  inviteCodes: many(inviteCodes),
}));

export const variantsRelations = relations(variants, ({ one }) => ({
  campaign: one(campaigns, { fields: [variants.campaignId], references: [campaigns.id] }),
}));

export const questionsRelations = relations(questions, ({ one }) => ({
  campaign: one(campaigns, { fields: [questions.campaignId], references: [campaigns.id] }),
}));

export const signupsRelations = relations(signups, ({ one, many }) => ({
  campaign: one(campaigns, { fields: [signups.campaignId], references: [campaigns.id] }),
  referredBy: one(signups, {
    fields: [signups.referredBySignupId],
    references: [signups.id],
    relationName: "referrals",
  }),
  referrals: many(signups, { relationName: "referrals" }),
  preorders: many(preorders),
}));

export const inviteCodesRelations = relations(inviteCodes, ({ one, many }) => ({
  campaign: one(campaigns, { fields: [inviteCodes.campaignId], references: [campaigns.id] }),
  signup: one(signups, { fields: [inviteCodes.signupId], references: [signups.id] }),
  redemptions: many(inviteRedemptions),
}));

export const preordersRelations = relations(preorders, ({ one, many }) => ({
  campaign: one(campaigns, { fields: [preorders.campaignId], references: [campaigns.id] }),
  signup: one(signups, { fields: [preorders.signupId], references: [signups.id] }),
  invite: one(inviteCodes, { fields: [preorders.inviteId], references: [inviteCodes.id] }),
  items: many(preorderItems),
  redemptions: many(inviteRedemptions),
}));

export const preorderItemsRelations = relations(preorderItems, ({ one }) => ({
  preorder: one(preorders, { fields: [preorderItems.preorderId], references: [preorders.id] }),
  variant: one(variants, { fields: [preorderItems.variantId], references: [variants.id] }),
}));

export const inviteRedemptionsRelations = relations(inviteRedemptions, ({ one }) => ({
  invite: one(inviteCodes, { fields: [inviteRedemptions.inviteId], references: [inviteCodes.id] }),
  preorder: one(preorders, { fields: [inviteRedemptions.preorderId], references: [preorders.id] }),
}));

export const holdsRelations = relations(holds, ({ one }) => ({
  variant: one(variants, { fields: [holds.variantId], references: [variants.id] }),
  signup: one(signups, { fields: [holds.signupId], references: [signups.id] }),
}));

export const wavesRelations = relations(waves, ({ one, many }) => ({
  campaign: one(campaigns, { fields: [waves.campaignId], references: [campaigns.id] }),
  job: one(jobs, { fields: [waves.jobId], references: [jobs.id] }),
  members: many(waveMembers),
}));

export const waveMembersRelations = relations(waveMembers, ({ one }) => ({
  wave: one(waves, { fields: [waveMembers.waveId], references: [waves.id] }),
  signup: one(signups, { fields: [waveMembers.signupId], references: [signups.id] }),
}));

export const schedulesRelations = relations(schedules, ({ one }) => ({
  campaign: one(campaigns, { fields: [schedules.campaignId], references: [campaigns.id] }),
}));

export const outboxEmailsRelations = relations(outboxEmails, ({ one }) => ({
  campaign: one(campaigns, { fields: [outboxEmails.campaignId], references: [campaigns.id] }),
}));

export const membersRelations = relations(members, ({ many }) => ({
  sessions: many(memberSessions),
}));

export const memberSessionsRelations = relations(memberSessions, ({ one }) => ({
  member: one(members, { fields: [memberSessions.memberId], references: [members.id] }),
}));
