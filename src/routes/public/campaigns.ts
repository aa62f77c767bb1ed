import { createRoute, z } from "@hono/zod-openapi";
import { getPublicCampaign, PublicCampaign, publicCampaignToWire } from "../../domain/campaigns";
import { createRouter } from "../../lib/router";
import { errorResponses } from "../openapi-common";

/** Short: a status change or a sale shows within half a minute. */
const CACHE_CONTROL = "public, max-age=30";

const get = createRoute({
  method: "get",
  path: "/v1/campaigns/{slug}",
  tags: ["Public"],
  summary: "A published campaign: what the widget and landing page show",
  request: {
    params: z.object({
      slug: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: "slug", in: "path" }, example: "demo" }),
    }),
  },
  responses: {
    200: {
      description: "Public fields only; drafts are never shown",
      headers: z.object({
        "Cache-Control": z.string().openapi({ example: CACHE_CONTROL }),
        "Access-Control-Allow-Origin": z.string().openapi({ example: "*" }),
      }),
      content: { "application/json": { schema: PublicCampaign } },
    },
    ...errorResponses(404),
  },
});

export const publicCampaignsRouter = createRouter().openapi(get, async (c) => {
  const bundle = await getPublicCampaign(c.get("db"), c.req.valid("param").slug);
  c.header("Cache-Control", CACHE_CONTROL);
  c.header("Access-Control-Allow-Origin", "*");
  return c.json(publicCampaignToWire(bundle), 200);
});
