import { z } from "@hono/zod-openapi";
import { preorderCancelActors, preorderStatuses } from "../../db/schema/enums";

/** An order as the admin API shows it (src/domain/preorders/admin-list.ts `preorderListItem`). */
export const AdminPreorder = z
  .object({
    id: z.string(),
    status: z.enum(preorderStatuses),
    email: z.string().nullable().openapi({ description: "Null once erased" }),
    name: z.string().nullable(),
    locale: z.string(),
    total: z.number().int().openapi({ description: "Minor units of `currency`" }),
    currency: z.string(),
    items: z.array(
      z.object({
        variant_id: z.string(),
        variant_name: z.string(),
        quantity: z.number().int(),
        unit_price: z.number().int().openapi({ description: "As charged (copied at order time)" }),
      }),
    ),
    fields: z.record(z.string(), z.string()),
    signup_id: z.string().nullable(),
    invite_id: z.string().nullable(),
    erased: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
    hold_expires_at: z.string().nullable(),
    verified_at: z.string().nullable(),
    confirmed_at: z.string().nullable(),
    fulfilled_at: z.string().nullable(),
    cancelled_at: z.string().nullable(),
    cancelled_by: z.enum(preorderCancelActors).nullable(),
    cancel_reason: z.string().nullable(),
    expired_at: z.string().nullable(),
  })
  .openapi("AdminPreorder");

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "A date as YYYY-MM-DD")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "Not a calendar date")
  .refine((s) => s >= "2000-01-01" && s <= "2100-12-31", "Between 2000 and 2100")
  .openapi({ example: "2026-09-15" });

export const jobAccepted = z.object({
  job_id: z.string(),
  total: z.number().int(),
  status_url: z.string().openapi({ example: "/v1/admin/jobs/job_0123456789abcdefghjkmnpqrs" }),
});
