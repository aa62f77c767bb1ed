import { requestId } from "hono/request-id";
import { AppError } from "./lib/errors";
import { createRouter } from "./lib/router";
import { bodyGuard } from "./middleware/body-guard";
import { requestContext } from "./middleware/context";
import { onError, problemResponse } from "./middleware/problem";
import { securityHeaders } from "./middleware/security-headers";
import { adminRouter } from "./routes/admin";
import { publicCampaignsRouter } from "./routes/public/campaigns";
import { docsRouter } from "./routes/public/docs";
import { healthRouter } from "./routes/public/health";
import { problemsRouter } from "./routes/public/problems";
import { unsubscribeRouter } from "./routes/public/unsubscribe";
import { webhooksRouter } from "./routes/public/webhooks";

/** JSON bodies are small; anything bigger is a mistake or an attack. */
const MAX_JSON_BYTES = 64 * 1024;

const base = createRouter();

base.use("*", securityHeaders);
base.use("*", requestId({ headerName: "X-Request-Id" }));
base.use("*", requestContext);
base.use("/v1/*", bodyGuard({ maxBytes: MAX_JSON_BYTES }));

/**
 * The routers, chained so `AppType` carries every route for the typed client.
 */
const app = base
  .route("/", healthRouter)
  .route("/", problemsRouter)
  .route("/", docsRouter)
  .route("/", publicCampaignsRouter)
  .route("/", unsubscribeRouter)
  .route("/", webhooksRouter)
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

// The path is not echoed back: customer tokens travel in paths.
app.notFound((c) => problemResponse(c, new AppError("not_found", { detail: "No such route" })));
app.onError(onError);

export type AppType = typeof app;
export default app;
