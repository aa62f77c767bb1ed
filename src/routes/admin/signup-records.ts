import { createRoute, z } from "@hono/zod-openapi";
import {
  audienceStates,
  emailCategories,
  inviteCodeStatuses,
  inviteKinds,
  locales,
  outboxStatuses,
  preorderStatuses,
  reviewStates,
  signupStatuses,
} from "../../db/schema";
import { exportSignupData, exportToWire } from "../../domain/signups/person-export";
import { eraseSignup } from "../../domain/signups/privacy";
import { afterCredit } from "../../domain/signups/referrals";
import { reviewSignup } from "../../domain/signups/review";
import { kickOutbox } from "../../email/outbox";
import { notFound } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { idParams, iso } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

/**
 * One person's record: export (GET), erasure (DELETE) and the review queue's
 * approve / reject. @see ../../../shared/CONTRACT.md "Admin routes"
 * @see ../../../shared/DOMAIN.md "Erasure"
 */
const common = { tags: ["Admin: signups"], security: [{ adminBearer: [] }] };
const ts = z.string().nullable();

const SignupExportSchema = z
  .object({
    exported_at: z.string(),
    signup: z.object({
      id: z.string(),
      campaign_id: z.string(),
      email: z.string().nullable(),
      name: z.string().nullable(),
      locale: z.enum(locales),
      status: z.enum(signupStatuses),
      confirmed_at: ts,
      review: z.enum(reviewStates),
      review_reason: z.string().nullable(),
      reviewed_at: ts,
      audience: z.enum(audienceStates),
      unsubscribed_at: ts,
      invited_at: ts,
      erased_at: ts,
      answers: z.record(z.string(), z.unknown()),
      country: z.string().nullable(),
      ip_hmac: z.string().nullable(),
      utm: z.record(z.string(), z.string().nullable()),
      referrer: z.string().nullable(),
      landing_url: z.string().nullable(),
      created_at: z.string(),
      updated_at: z.string(),
    }),
    campaign: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
    consent: z.object({
      given_at: z.string(),
      form_version: z.string().nullable(),
      locale: z.enum(locales).nullable(),
      source: z.string(),
    }),
    referral: z.object({
      code: z.string(),
      referred_by: z.object({ signup_id: z.string(), code: z.string().nullable() }).nullable(),
      credited_at: ts,
      verified_referrals: z.number().int(),
      referred_signups: z.number().int(),
      credited_referrals: z.number().int(),
    }),
    invites: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(inviteKinds),
        hint: z.string(),
        status: z.enum(inviteCodeStatuses),
        uses: z.number().int(),
        max_uses: z.number().int(),
        expires_at: ts,
        created_at: z.string(),
      }),
    ),
    waves: z.array(
      z.object({
        wave_id: z.string(),
        position: z.number().int().nullable(),
        invited_at: z.string(),
      }),
    ),
    orders: z.array(
      z.object({
        id: z.string(),
        status: z.enum(preorderStatuses),
        email: z.string().nullable(),
        name: z.string().nullable(),
        locale: z.enum(locales),
        fields: z.record(z.string(), z.string()),
        total: z.number().int(),
        currency: z.string(),
        items: z.array(
          z.object({
            variant_id: z.string(),
            variant_name: z.string(),
            quantity: z.number().int(),
            unit_price: z.number().int(),
          }),
        ),
        created_at: z.string(),
        cancelled_at: ts,
        erased_at: ts,
      }),
    ),
    emails: z.array(
      z.object({
        id: z.string(),
        template: z.string(),
        category: z.enum(emailCategories),
        locale: z.enum(locales),
        to_email: z.string().nullable(),
        subject: z.string().nullable(),
        status: z.enum(outboxStatuses),
        preorder_id: z.string().nullable(),
        erased: z.boolean(),
        created_at: z.string(),
        sent_at: ts,
      }),
    ),
    audit: z.array(
      z.object({
        id: z.string(),
        action: z.string(),
        actor_type: z.string(),
        actor_id: z.string().nullable(),
        target_type: z.string(),
        target_id: z.string().nullable(),
        changes: z.record(z.string(), z.unknown()).nullable(),
        created_at: z.string(),
      }),
    ),
  })
  .openapi("SignupExport");

const exportRoute = createRoute({
  ...common,
  method: "get",
  path: "/signups/{id}",
  summary: "Export everything held about one person (signup, consent, orders, emails, audit)",
  description:
    "For a data subject access request. Emails are listed without their payloads; links are never stored, so none appear.",
  middleware: [requireRole("viewer")] as const,
  request: { params: idParams },
  responses: {
    200: {
      description: "The person's data",
      content: { "application/json": { schema: SignupExportSchema } },
    },
    ...errorResponses(401, 403, 404),
  },
});

const ErasureSchema = z
  .object({
    id: z.string(),
    erased_at: z.string(),
    already_erased: z.boolean(),
    orders_erased: z.number().int(),
    emails_erased: z.number().int(),
  })
  .openapi("SignupErasure");

const eraseRoute = createRoute({
  ...common,
  method: "delete",
  path: "/signups/{id}",
  summary: "Erase one person's personal data (counts and funnel history stay)",
  description:
    "Blanks name, email, answers, IP HMAC, UTM, referrer and landing URL; the outbox rows and orders lose their personal fields; every link of the signup stops working. Repeating it changes nothing.",
  middleware: [requireRole("editor")] as const,
  request: { params: idParams },
  responses: {
    200: { description: "Erased", content: { "application/json": { schema: ErasureSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

const ReviewSchema = z
  .object({
    id: z.string(),
    review: z.enum(reviewStates),
    review_reason: z.string().nullable(),
    reviewed_at: z.string(),
    referral_credit_changed: z.boolean().openapi({
      description: "approve: the withheld referral credit was given; reject: it was taken back",
    }),
  })
  .openapi("SignupReview");

const reviewBody = {
  required: false,
  content: {
    "application/json": {
      schema: z.strictObject({ note: z.string().trim().min(1).max(500).optional() }),
    },
  },
};

const reviewRoute = (decision: "approve" | "reject") =>
  createRoute({
    ...common,
    method: "post",
    path: `/signups/{id}/${decision}`,
    summary:
      decision === "approve"
        ? "Approve a flagged signup (back in line; a withheld referral credit is given)"
        : "Reject a signup (out of the line; a referral credit it gave is taken back)",
    middleware: [requireRole("editor")] as const,
    request: { params: idParams, body: reviewBody },
    responses: {
      200: { description: "Reviewed", content: { "application/json": { schema: ReviewSchema } } },
      ...errorResponses(401, 403, 404, 409, 415, 422),
    },
  });

export const signupRecordsRouter = createRouter()
  .openapi(exportRoute, async (c) => {
    const data = await exportSignupData(c.get("db"), c.req.valid("param").id);
    if (!data) throw notFound("Signup");
    return c.json(exportToWire(data, Date.now()), 200);
  })
  .openapi(eraseRoute, async (c) => {
    const r = await eraseSignup(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
      Date.now(),
    );
    return c.json(
      {
        id: r.signupId,
        erased_at: iso(r.erasedAt),
        already_erased: !r.changed,
        orders_erased: r.orders,
        emails_erased: r.emails,
      },
      200,
    );
  })
  .openapi(reviewRoute("approve"), async (c) => {
    const r = await reviewSignup(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
      "approve",
      c.req.valid("json") ?? {},
      Date.now(),
    );
    // A withheld credit given now may take the referrer to a milestone (early invite).
    if (r.credited.length) {
      const db = c.get("db");
      const invite = afterCredit(db, c.get("settings").TOKEN_SECRET, r.credited, r.reviewedAt);
      c.executionCtx.waitUntil(invite.then((yes) => yes && kickOutbox(c.env)));
    }
    return c.json(reviewToWire(r), 200);
  })
  .openapi(reviewRoute("reject"), async (c) => {
    const r = await reviewSignup(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
      "reject",
      c.req.valid("json") ?? {},
      Date.now(),
    );
    return c.json(reviewToWire(r), 200);
  });

function reviewToWire(r: Awaited<ReturnType<typeof reviewSignup>>) {
  return {
    id: r.id,
    review: r.review,
    review_reason: r.reviewReason,
    reviewed_at: iso(r.reviewedAt),
    referral_credit_changed: r.referralChanged,
  };
}
