import { createRoute, z } from "@hono/zod-openapi";
import { memberRoles } from "../../db/schema";
import { addMember, listMembers, removeMember, updateMember } from "../../domain/members";
import { createRouter } from "../../lib/router";
import { idParams, iso } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

const Member = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(memberRoles),
    disabled: z.boolean(),
    last_login_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Member");

type Row = Awaited<ReturnType<typeof listMembers>>[number];
const toWire = (m: Row) => ({
  id: m.id,
  email: m.email,
  name: m.name,
  role: m.role,
  disabled: m.disabledAt !== null,
  last_login_at: iso(m.lastLoginAt),
  created_at: iso(m.createdAt),
});

const common = { tags: ["Admin: access"], security: [{ adminBearer: [] }] };

const create = createRoute({
  ...common,
  method: "post",
  path: "/members",
  summary: "Add a dashboard member",
  middleware: [requireRole("owner")] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.strictObject({
            email: z.email().max(254),
            name: z.string().trim().min(1).max(100).nullable().optional(),
            role: z.enum(memberRoles),
          }),
        },
      },
    },
  },
  responses: {
    201: { description: "The member", content: { "application/json": { schema: Member } } },
    ...errorResponses(401, 403, 409, 422),
  },
});

const list = createRoute({
  ...common,
  method: "get",
  path: "/members",
  summary: "List dashboard members",
  middleware: [requireRole("viewer")] as const,
  responses: {
    200: {
      description: "Members",
      content: { "application/json": { schema: z.object({ items: z.array(Member) }) } },
    },
    ...errorResponses(401, 403),
  },
});

const update = createRoute({
  ...common,
  method: "patch",
  path: "/members/{id}",
  summary: "Change a member's role, name, or disable them",
  middleware: [requireRole("owner")] as const,
  request: {
    params: idParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .strictObject({
              role: z.enum(memberRoles).optional(),
              name: z.string().trim().min(1).max(100).nullable().optional(),
              disabled: z.boolean().optional(),
            })
            .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field" }),
        },
      },
    },
  },
  responses: {
    200: { description: "The member", content: { "application/json": { schema: Member } } },
    ...errorResponses(401, 403, 404, 422),
  },
});

const remove = createRoute({
  ...common,
  method: "delete",
  path: "/members/{id}",
  summary: "Remove a member",
  middleware: [requireRole("owner")] as const,
  request: { params: idParams },
  responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404) },
});

export const membersRouter = createRouter()
  .openapi(create, async (c) => {
    const row = await addMember(c.get("db"), await adminAuditContext(c), c.req.valid("json"));
    return c.json(toWire(row), 201);
  })
  .openapi(list, async (c) => c.json({ items: (await listMembers(c.get("db"))).map(toWire) }, 200))
  .openapi(update, async (c) => {
    const row = await updateMember(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      Date.now(),
    );
    return c.json(toWire(row), 200);
  })
  .openapi(remove, async (c) => {
    await removeMember(c.get("db"), await adminAuditContext(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
