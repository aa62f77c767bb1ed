import { createRoute, z } from "@hono/zod-openapi";
import { requestLocale } from "../../i18n";
import { createRouter } from "../../lib/router";
import { renderDocsPage } from "../../pages/docs";

/**
 * GET /docs: the API reference, rendered in the browser from /openapi.json by
 * Swagger UI served from our own static assets (public/docs/). A worker route
 * rather than a static index.html so the page gets the same CSP and headers
 * as every other page.
 */
const docsRoute = createRoute({
  method: "get",
  path: "/docs",
  tags: ["Docs"],
  summary: "API reference (HTML) for /openapi.json",
  request: {
    query: z.object({
      locale: z
        .string()
        .optional()
        .openapi({ description: "Language: en or uz (else Accept-Language decides)" }),
    }),
  },
  responses: {
    200: {
      description: "The API reference page",
      content: { "text/html": { schema: z.string().openapi({ description: "An HTML page" }) } },
    },
  },
});

export const docsRouter = createRouter().openapi(docsRoute, async (c) =>
  renderDocsPage(c, requestLocale(c), { headers: { "Cache-Control": "public, max-age=300" } }),
);
