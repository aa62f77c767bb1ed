import { createRoute, z } from "@hono/zod-openapi";
import { signupStages } from "../../db/schema/enums";
import { campaignStats } from "../../domain/stats";
import { AppError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { idParams, isoToMs } from "../../lib/wire";
import { requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

/** `2025-03-01` (UTC midnight) or a full ISO 8601 instant. */
const instant = z
  .union([z.iso.date().transform((d) => Date.parse(`${d}T00:00:00Z`)), isoToMs])
  .optional();

const Funnel = z.object({
  contact: z.number().int().openapi({ description: "Everyone who signed up (erased included)" }),
  lead: z.number().int().openapi({ description: "Reached at least confirmed" }),
  prospect: z.number().int().openapi({ description: "Reached at least invited" }),
  customer: z.number().int().openapi({ description: "Has a live pre-order" }),
});

const rate = z.number().min(0).nullable();
const Conversion = z
  .object({
    contact_to_lead: rate,
    lead_to_prospect: rate,
    prospect_to_customer: rate,
    contact_to_customer: rate,
  })
  .openapi({ description: "Shares 0…1 (4 decimals); null when the earlier stage is empty" });

const Stats = z
  .object({
    campaign_id: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    stages: z.array(z.enum(signupStages)),
    funnel: Funnel,
    conversion: Conversion,
    other: z.object({
      flagged: z.number().int(),
      rejected: z.number().int(),
      outside_audience: z.number().int(),
      unsubscribed: z.number().int(),
      erased: z.number().int(),
    }),
    by_day: z.array(Funnel.extend({ day: z.string().openapi({ example: "2025-03-01" }) })),
    by_source: z.array(
      Funnel.extend({
        source: z.enum(["referral", "utm", "referrer", "direct"]),
        value: z.string().openapi({
          description: "utm_source (lower case), the referrer's host, or the source itself",
        }),
        conversion: Conversion,
      }),
    ),
    answers: z.array(
      z.object({
        key: z.string(),
        type: z.string(),
        label: z.string(),
        answered: z.number().int(),
        choices: z
          .array(z.object({ value: z.string(), label: z.string().nullable(), count: z.number() }))
          .nullable()
          .openapi({ description: "Counts per option (checkbox: true/false); null for text" }),
      }),
    ),
  })
  .openapi("CampaignStats");

const stats = createRoute({
  method: "get",
  path: "/campaigns/{id}/stats",
  tags: ["Admin: signups"],
  summary: "Funnel report: stages, conversion, by day, by source, answer tallies",
  description:
    "Counts signups created in [from, to) (UTC). Stages are cumulative: a customer also counts as a lead and a prospect.",
  security: [{ adminBearer: [] }],
  middleware: [requireRole("viewer")] as const,
  request: { params: idParams, query: z.object({ from: instant, to: instant }) },
  responses: {
    200: { description: "The report", content: { "application/json": { schema: Stats } } },
    ...errorResponses(401, 403, 404, 422),
  },
});

export const statsRouter = createRouter().openapi(stats, async (c) => {
  const { id } = c.req.valid("param");
  const { from, to } = c.req.valid("query");
  if (from !== undefined && to !== undefined && to <= from) {
    throw new AppError("validation_failed", {
      detail: "`to` must be after `from`",
      errors: [{ path: "to", message: "Must be after from" }],
    });
  }
  const report = await campaignStats(c.get("db"), id, { from, to });
  return c.json(
    {
      ...report,
      from: from === undefined ? null : new Date(from).toISOString(),
      to: to === undefined ? null : new Date(to).toISOString(),
      stages: [...signupStages],
    },
    200,
  );
});
