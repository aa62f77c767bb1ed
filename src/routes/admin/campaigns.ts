import { createRoute, z } from "@hono/zod-openapi";
import { campaignStatuses } from "../../db/schema";
import {
  Campaign,
  CampaignSummary,
  campaignToWire,
  createCampaign,
  createCampaignSchema,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  patchCampaignSchema,
  summaryToWire,
  updateCampaign,
} from "../../domain/campaigns";
import { pageSchema, paginationQuery } from "../../lib/pagination";
import { createRouter } from "../../lib/router";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

const common = { tags: ["Admin: campaigns"], security: [{ adminBearer: [] }] };
const params = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "cmp_0123456789abcdefghjkmnpqrs" }),
});

const create = createRoute({
  ...common,
  method: "post",
  path: "/campaigns",
  summary: "Create a draft campaign with its variants and questions",
  middleware: [requireRole("editor")] as const,
  request: {
    body: { required: true, content: { "application/json": { schema: createCampaignSchema } } },
  },
  responses: {
    201: {
      description: "The campaign (draft)",
      content: { "application/json": { schema: Campaign } },
    },
    ...errorResponses(400, 401, 403, 409, 413, 415, 422),
  },
});

const list = createRoute({
  ...common,
  method: "get",
  path: "/campaigns",
  summary: "List campaigns, newest first",
  middleware: [requireRole("viewer")] as const,
  request: { query: paginationQuery.extend({ status: z.enum(campaignStatuses).optional() }) },
  responses: {
    200: {
      description: "A page of campaigns (without variants and questions)",
      content: { "application/json": { schema: pageSchema(CampaignSummary) } },
    },
    ...errorResponses(401, 403, 422),
  },
});

const get = createRoute({
  ...common,
  method: "get",
  path: "/campaigns/{id}",
  summary: "A campaign with its variants and questions",
  middleware: [requireRole("viewer")] as const,
  request: { params },
  responses: {
    200: { description: "The campaign", content: { "application/json": { schema: Campaign } } },
    ...errorResponses(401, 403, 404),
  },
});

const patch = createRoute({
  ...common,
  method: "patch",
  path: "/campaigns/{id}",
  summary: "Change settings, variants, questions or status",
  description:
    "Only the fields sent change. `variants` entries without `id` add a variant, with `id` update it, " +
    "with `id` and `remove: true` remove it (only if nothing is sold or held; variants that orders " +
    "ever pointed at are archived instead of deleted). Stock may go down only to what is sold or " +
    "held (409 otherwise). `questions` and `order_fields` replace the whole list (questions matched " +
    "by key). `status` moves the campaign: draft → waitlist (publish: needs a variant), waitlist → " +
    "presale, waitlist|presale → paused, paused → the status it left, any non-draft → closed; other " +
    "moves get 409 naming the allowed ones.",
  middleware: [requireRole("editor")] as const,
  request: {
    params,
    body: { required: true, content: { "application/json": { schema: patchCampaignSchema } } },
  },
  responses: {
    200: {
      description: "The campaign after the change",
      content: { "application/json": { schema: Campaign } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const remove = createRoute({
  ...common,
  method: "delete",
  path: "/campaigns/{id}",
  summary: "Delete a draft campaign (anything else: close it)",
  middleware: [requireRole("editor")] as const,
  request: { params },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses(401, 403, 404, 409),
  },
});

export const campaignsRouter = createRouter()
  .openapi(create, async (c) => {
    const bundle = await createCampaign(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("json"),
      Date.now(),
    );
    return c.json(campaignToWire(bundle), 201);
  })
  .openapi(list, async (c) => {
    const page = await listCampaigns(c.get("db"), c.req.valid("query"));
    return c.json({ items: page.items.map(summaryToWire), next_cursor: page.next_cursor }, 200);
  })
  .openapi(get, async (c) => {
    const bundle = await getCampaign(c.get("db"), c.req.valid("param").id);
    return c.json(campaignToWire(bundle), 200);
  })
  .openapi(patch, async (c) => {
    const bundle = await updateCampaign(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      Date.now(),
    );
    return c.json(campaignToWire(bundle), 200);
  })
  .openapi(remove, async (c) => {
    await deleteCampaign(c.get("db"), await adminAuditContext(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
