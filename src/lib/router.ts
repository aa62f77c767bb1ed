import { OpenAPIHono } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import type { Settings } from "../config";
import type { Db } from "../db/client";
import { AppError, type FieldError } from "./errors";

/** Who is calling an admin route, set by the admin auth middleware. */
export interface Actor {
  type: "admin_token" | "api_key" | "member";
  id: string;
  role: "owner" | "editor" | "viewer";
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Db;
    settings: Settings;
    actor: Actor;
    /** Set by clientIpHmac (./client-ip.ts) on first use. */
    ipHmac: string;
  };
}

export function zodIssuesToFieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join(".") : "(body)",
    message: issue.message,
  }));
}

/**
 * The one validation hook: any schema failure becomes a 422 `validation_failed`
 * with per-field errors, so handlers only ever see valid input via c.req.valid().
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError("validation_failed", {
          detail: "The request has invalid or missing fields",
          errors: zodIssuesToFieldErrors(result.error),
        });
      }
    },
  });
}
