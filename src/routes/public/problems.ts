import { createRoute, z } from "@hono/zod-openapi";
import { requestLocale } from "../../i18n";
import { AppError } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { isProblemCode, renderProblemIndex, renderProblemReference } from "../../pages/problem";

/**
 * GET /problems/{code}: the page every problem+json `type` points at, in
 * English or Uzbek (`?locale=`, then Accept-Language). GET /problems lists them.
 * @see ../../../shared/CONTRACT.md "Errors"
 */

const html = {
  "text/html": { schema: z.string().openapi({ description: "An HTML page" }) },
} as const;

const localeQuery = z.object({
  locale: z
    .string()
    .optional()
    .openapi({ description: "Language: en or uz (else Accept-Language decides)", example: "uz" }),
});

const problemRoute = createRoute({
  method: "get",
  path: "/problems/{code}",
  tags: ["Docs"],
  summary: "What an error code means and what to do about it",
  request: {
    params: z.object({
      code: z.string().openapi({ param: { name: "code", in: "path" }, example: "sold_out" }),
    }),
    query: localeQuery,
  },
  responses: {
    200: { description: "The page for this code", content: html },
    404: { description: "No such code (problem+json `not_found`)" },
  },
});

const indexRoute = createRoute({
  method: "get",
  path: "/problems",
  tags: ["Docs"],
  summary: "All error codes",
  request: { query: localeQuery },
  responses: { 200: { description: "The list of codes", content: html } },
});

// The pages change only with a deploy; vary on language (requestLocale adds Vary).
const CACHE = { "Cache-Control": "public, max-age=300" };

export const problemsRouter = createRouter()
  .openapi(problemRoute, async (c) => {
    const { code } = c.req.valid("param");
    if (!isProblemCode(code)) throw new AppError("not_found", { detail: "No such problem code" });
    const locale = requestLocale(c);
    return renderProblemReference(c, locale, code, { headers: CACHE });
  })
  .openapi(indexRoute, async (c) => {
    const locale = requestLocale(c);
    return renderProblemIndex(c, locale, { headers: CACHE });
  });
