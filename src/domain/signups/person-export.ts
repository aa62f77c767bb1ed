/**
 * The export of one person's data for a data subject access request (GET
 * /v1/admin/signups/{id}): the signup, consent, referral facts, invite codes
 * (hints only), wave memberships, orders with items, the outbox history
 * (without payloads; links are never stored) and the audit entries about
 * them. One batch of reads. @see ../../../../shared/DOMAIN.md "Erasure"
 */
import { and, asc, desc, eq, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import {
  auditLog,
  campaigns,
  inviteCodes,
  outboxEmails,
  preorderItems,
  preorders,
  signups,
  waveMembers,
} from "../../db/schema";
import { iso } from "../../lib/wire";
import { personOrderIds } from "./privacy";
import { inviteStatus } from "./status";

/** Everything held about one signup, in one batch of reads. Null if there is no such signup. */
export async function exportSignupData(db: Db, signupId: string) {
  const referrer = alias(signups, "referrer");
  const orderIds = personOrderIds(signupId);
  const [rows, referred, codes, orders, items, emails, audit, waves] = await db.batch([
    db
      .select({
        signup: signups,
        // Aliased: a D1 batch returns rows as objects, so column names must not repeat.
        campaign: {
          id: sql<string>`${campaigns.id}`.as("campaign_pk"),
          name: sql<string>`${campaigns.name}`.as("campaign_name"),
          slug: sql<string>`${campaigns.slug}`.as("campaign_slug"),
        },
        referrerCode: sql<string | null>`${referrer.referralCode}`.as("referrer_code"),
      })
      .from(signups)
      .innerJoin(campaigns, eq(campaigns.id, signups.campaignId))
      .leftJoin(referrer, eq(referrer.id, signups.referredBySignupId))
      .where(eq(signups.id, signupId))
      .limit(1),
    db
      .select({
        total: sql<number>`count(*)`,
        credited: sql<number>`count(${signups.referralCreditedAt})`,
      })
      .from(signups)
      .where(eq(signups.referredBySignupId, signupId)),
    db
      .select()
      .from(inviteCodes)
      .where(or(eq(inviteCodes.signupId, signupId), eq(inviteCodes.issuedToSignupId, signupId)))
      .orderBy(asc(inviteCodes.createdAt)),
    db
      .select()
      .from(preorders)
      .where(sql`${preorders.id} IN ${orderIds}`)
      .orderBy(asc(preorders.createdAt)),
    db
      .select()
      .from(preorderItems)
      .where(sql`${preorderItems.preorderId} IN ${orderIds}`)
      .orderBy(asc(preorderItems.createdAt), asc(preorderItems.id)),
    // No payload: it holds template data copied from the records above, and links are never stored.
    db
      .select({
        id: outboxEmails.id,
        template: outboxEmails.template,
        category: outboxEmails.category,
        locale: outboxEmails.locale,
        toEmail: outboxEmails.toEmail,
        subject: outboxEmails.subject,
        status: outboxEmails.status,
        preorderId: outboxEmails.preorderId,
        erased: outboxEmails.erased,
        createdAt: outboxEmails.createdAt,
        sentAt: outboxEmails.sentAt,
      })
      .from(outboxEmails)
      .where(
        or(eq(outboxEmails.signupId, signupId), sql`${outboxEmails.preorderId} IN ${orderIds}`),
      )
      .orderBy(asc(outboxEmails.createdAt), asc(outboxEmails.id))
      .limit(1000),
    db
      .select()
      .from(auditLog)
      .where(
        or(
          and(eq(auditLog.targetType, "signup"), eq(auditLog.targetId, signupId)),
          and(eq(auditLog.targetType, "preorder"), sql`${auditLog.targetId} IN ${orderIds}`),
        ),
      )
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(1000),
    db
      .select({
        waveId: waveMembers.waveId,
        position: waveMembers.position,
        createdAt: waveMembers.createdAt,
      })
      .from(waveMembers)
      .where(eq(waveMembers.signupId, signupId)),
  ]);
  const row = rows[0];
  if (!row) return null;
  return {
    ...row,
    referred: {
      total: Number(referred[0]?.total ?? 0),
      credited: Number(referred[0]?.credited ?? 0),
    },
    codes,
    orders,
    items,
    emails,
    audit,
    waves,
  };
}

export type SignupExport = NonNullable<Awaited<ReturnType<typeof exportSignupData>>>;

/** The export in wire shape (snake_case, ISO times); SignupExportSchema in the route describes it. */
export function exportToWire(x: SignupExport, now: number) {
  const s = x.signup;
  return {
    exported_at: iso(now),
    signup: {
      id: s.id,
      campaign_id: s.campaignId,
      email: s.email,
      name: s.name,
      locale: s.locale,
      status: s.status,
      confirmed_at: iso(s.confirmedAt),
      review: s.review,
      review_reason: s.reviewReason,
      reviewed_at: iso(s.reviewedAt),
      audience: s.audience,
      unsubscribed_at: iso(s.unsubscribedAt),
      invited_at: iso(s.invitedAt),
      erased_at: iso(s.erasedAt),
      answers: s.answers,
      country: s.country,
      ip_hmac: s.ipHmac,
      utm: {
        source: s.utmSource,
        medium: s.utmMedium,
        campaign: s.utmCampaign,
        term: s.utmTerm,
        content: s.utmContent,
      },
      referrer: s.referrer,
      landing_url: s.landingUrl,
      created_at: iso(s.createdAt),
      updated_at: iso(s.updatedAt),
    },
    campaign: x.campaign,
    consent: {
      given_at: iso(s.consentAt),
      form_version: s.consentFormVersion,
      locale: s.consentLocale,
      source: s.consentSource,
    },
    referral: {
      code: s.referralCode,
      referred_by: s.referredBySignupId
        ? { signup_id: s.referredBySignupId, code: x.referrerCode }
        : null,
      credited_at: iso(s.referralCreditedAt),
      verified_referrals: s.verifiedReferrals,
      referred_signups: x.referred.total,
      credited_referrals: x.referred.credited,
    },
    invites: x.codes.map((c) => ({
      id: c.id,
      kind: c.kind,
      hint: c.codeHint,
      status: inviteStatus(c, now),
      uses: c.uses,
      max_uses: c.maxUses,
      expires_at: iso(c.expiresAt),
      created_at: iso(c.createdAt),
    })),
    waves: x.waves.map((w) => ({
      wave_id: w.waveId,
      position: w.position,
      invited_at: iso(w.createdAt),
    })),
    orders: x.orders.map((o) => ({
      id: o.id,
      status: o.status,
      email: o.email,
      name: o.name,
      locale: o.locale,
      fields: o.fields,
      total: o.total,
      currency: o.currency,
      items: x.items
        .filter((i) => i.preorderId === o.id)
        .map((i) => ({
          variant_id: i.variantId,
          variant_name: i.variantName,
          quantity: i.quantity,
          unit_price: i.unitPrice,
        })),
      created_at: iso(o.createdAt),
      cancelled_at: iso(o.cancelledAt),
      erased_at: iso(o.erasedAt),
    })),
    emails: x.emails.map((e) => ({
      id: e.id,
      template: e.template,
      category: e.category,
      locale: e.locale,
      to_email: e.toEmail,
      subject: e.subject,
      status: e.status,
      preorder_id: e.preorderId,
      erased: e.erased,
      created_at: iso(e.createdAt),
      sent_at: iso(e.sentAt),
    })),
    audit: x.audit.map((a) => ({
      id: a.id,
      action: a.action,
      actor_type: a.actorType,
      actor_id: a.actorId,
      target_type: a.targetType,
      target_id: a.targetId,
      changes: a.changes,
      created_at: iso(a.createdAt),
    })),
  };
}
