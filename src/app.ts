import { requestId } from "hono/request-id";
import { allowedMethodsOf } from "./lib/allowed-methods";
import { AppError } from "./lib/errors";
import { createRouter } from "./lib/router";
import { bodyGuard } from "./middleware/body-guard";
import { requestContext } from "./middleware/context";
import { originCheck } from "./middleware/origin-check";
import { onError, problemResponse } from "./middleware/problem";
import { securityHeaders } from "./middleware/security-headers";
import { adminRouter } from "./routes/admin";
import { publicCampaignsRouter } from "./routes/public/campaigns";
import { confirmRouter } from "./routes/public/confirm";
import { docsRouter } from "./routes/public/docs";
import { healthRouter } from "./routes/public/health";
import { publicInvitesRouter } from "./routes/public/invites";
import { landingRouter } from "./routes/public/landing";
import { orderPagesRouter } from "./routes/public/order-pages";
import { preordersRouter } from "./routes/public/preorders";
import { problemsRouter } from "./routes/public/problems";
import { signupsRouter } from "./routes/public/signups";
import { statusRouter } from "./routes/public/status";
import { unsubscribeRouter } from "./routes/public/unsubscribe";
import { webhooksRouter } from "./routes/public/webhooks";

/** JSON bodies are small; anything bigger is a mistake or an attack. */
const MAX_JSON_BYTES = 64 * 1024;

const base = createRouter();

base.use("*", securityHeaders);
base.use("*", requestId({ headerName: "X-Request-Id" }));
base.use("*", requestContext);
/** CSV imports (text/csv, or JSON carrying the CSV) are the one large body. */
const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const IMPORT_PATH = /^\/v1\/admin\/campaigns\/[^/]+\/signups\/imports$/;
const jsonGuard = bodyGuard({ maxBytes: MAX_JSON_BYTES });
const importGuard = bodyGuard({ maxBytes: MAX_IMPORT_BYTES, extraTypes: ["text/csv"] });
/** Signups also take plain HTML form posts (the hosted form works without JavaScript). */
const SIGNUP_PATH = /^\/v1\/campaigns\/[^/]+\/signups$/;
const signupGuard = bodyGuard({ maxBytes: MAX_JSON_BYTES, allowForm: true });
// Browser POSTs to a campaign are origin-checked before their body is read.
base.use("/v1/campaigns/:slug/*", originCheck);
base.use("/v1/*", (c, next) =>
  (IMPORT_PATH.test(c.req.path)
    ? importGuard
    : SIGNUP_PATH.test(c.req.path)
      ? signupGuard
      : jsonGuard)(c, next),
);

/**
 * The routers, chained so `AppType` carries every route for the typed client.
 */
const app = base
  .route("/", healthRouter)
  .route("/", problemsRouter)
  .route("/", docsRouter)
  .route("/", publicCampaignsRouter)
  .route("/", signupsRouter)
  .route("/", confirmRouter)
  .route("/", statusRouter)
  .route("/", landingRouter)
  .route("/", unsubscribeRouter)
  .route("/", webhooksRouter)
  .route("/", publicInvitesRouter)
  .route("/", preordersRouter)
  .route("/", orderPagesRouter)
  .route("/v1/admin", adminRouter);

app.doc31("/openapi.json", (c) => ({
  openapi: "3.1.0",
  info: {
    title: "Presale API",
    version: "1.0.0",
    description:
      "Limited pre-sale campaigns: waitlist, referrals, invite waves and pre-orders. Errors are RFC 9457 problem+json.",
  },
  servers: [{ url: c.get("settings").PUBLIC_URL }],
}));
app.openAPIRegistry.registerComponent("securitySchemes", "adminBearer", {
  type: "http",
  scheme: "bearer",
  description: "The bootstrap ADMIN_TOKEN or an API key from /v1/admin/api-keys",
});
app.openAPIRegistry.registerComponent("securitySchemes", "customerBearer", {
  type: "http",
  scheme: "bearer",
  description: "A customer link token (status or order link)",
});

const allowedMethods = allowedMethodsOf(app.routes);

// The path is not echoed back: customer tokens travel in paths. A path that
// exists under other methods is a 405 naming them.
app.notFound((c) => {
  const allowed = allowedMethods(c.req.path);
  if (allowed.length === 0) {
    return problemResponse(c, new AppError("not_found", { detail: "No such route" }));
  }
  return problemResponse(
    c,
    new AppError("method_not_allowed", {
      detail: `This address answers to ${allowed.join(", ")}`,
      headers: { Allow: allowed.join(", ") },
    }),
  );
});
app.onError(onError);

export type AppType = typeof app;
export default app;
