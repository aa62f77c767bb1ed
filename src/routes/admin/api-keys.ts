import { createRoute, z } from "@hono/zod-openapi";
import { memberRoles } from "../../db/schema/enums";
import { createApiKey, listApiKeys, revokeApiKey } from "../../domain/api-keys";
import { createRouter } from "../../lib/router";
import { iso, isoToMs } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "First characters of the key, to recognise it" }),
    role: z.enum(memberRoles),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

type KeyRow = Awaited<ReturnType<typeof listApiKeys>>[number];
const toWire = (k: KeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  created_at: iso(k.createdAt),
  last_used_at: iso(k.lastUsedAt),
  expires_at: iso(k.expiresAt),
  revoked_at: iso(k.revokedAt),
});

const create = createRoute({
  method: "post",
  path: "/api-keys",
  tags: ["Admin: access"],
  summary: "Create an API key (shown once)",
  security: [{ adminBearer: [] }],
  middleware: [requireRole("owner")] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.strictObject({
            name: z.string().trim().min(1).max(100),
            role: z.enum(memberRoles),
            // A key born expired would be a 201 that can never authenticate.
            expires_at: isoToMs.refine((ms) => ms > Date.now(), "Must be in the future").optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: "The key; `key` is the only time the plaintext is shown",
      content: { "application/json": { schema: ApiKey.extend({ key: z.string() }) } },
    },
    ...errorResponses(401, 403, 422),
  },
});

const list = createRoute({
  method: "get",
  path: "/api-keys",
  tags: ["Admin: access"],
  summary: "List API keys (never the plaintext)",
  security: [{ adminBearer: [] }],
  middleware: [requireRole("owner")] as const,
  responses: {
    200: {
      description: "Keys",
      content: { "application/json": { schema: z.object({ items: z.array(ApiKey) }) } },
    },
    ...errorResponses(401, 403),
  },
});

const revoke = createRoute({
  method: "delete",
  path: "/api-keys/{id}",
  tags: ["Admin: access"],
  summary: "Revoke an API key",
  security: [{ adminBearer: [] }],
  middleware: [requireRole("owner")] as const,
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: {
    200: { description: "The revoked key", content: { "application/json": { schema: ApiKey } } },
    ...errorResponses(401, 403, 404),
  },
});

export const apiKeysRouter = createRouter()
  .openapi(create, async (c) => {
    const body = c.req.valid("json");
    const { key, plaintext } = await createApiKey(
      c.get("db"),
      c.get("settings").TOKEN_SECRET,
      await adminAuditContext(c),
      { name: body.name, role: body.role, expiresAt: body.expires_at ?? null },
    );
    return c.json({ ...toWire(key), key: plaintext }, 201);
  })
  .openapi(list, async (c) => {
    const rows = await listApiKeys(c.get("db"));
    return c.json({ items: rows.map(toWire) }, 200);
  })
  .openapi(revoke, async (c) => {
    const row = await revokeApiKey(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
      Date.now(),
    );
    return c.json(toWire(row), 200);
  });
