import { createRouter } from "../../lib/router";
import { adminAuth } from "../../middleware/admin-auth";
import { apiKeysRouter } from "./api-keys";
import { auditLogRouter } from "./audit-log";
import { membersRouter } from "./members";

/** Everything under /v1/admin: authenticated first, then each route checks its role. */
const adminBase = createRouter();
adminBase.use("*", adminAuth);

export const adminRouter = adminBase
  .route("/", apiKeysRouter)
  .route("/", auditLogRouter)
  .route("/", membersRouter);
