import { createRouter } from "../../lib/router";
import { adminAuth } from "../../middleware/admin-auth";
import { apiKeysRouter } from "./api-keys";
import { auditLogRouter } from "./audit-log";
import { broadcastsRouter } from "./broadcasts";
import { campaignsRouter } from "./campaigns";
import { emailsRouter } from "./emails";
import { invitesRouter } from "./invites";
import { jobsRouter } from "./jobs";
import { membersRouter } from "./members";
import { preordersRouter } from "./preorders";
import { schedulesRouter } from "./schedules";
import { signupRecordsRouter } from "./signup-records";
import { signupsRouter } from "./signups";
import { statsRouter } from "./stats";
import { suppressionsRouter } from "./suppressions";
import { wavesRouter } from "./waves";

/** Everything under /v1/admin: authenticated first, then each route checks its role. */
const adminBase = createRouter();
adminBase.use("*", adminAuth);

export const adminRouter = adminBase
  .route("/", apiKeysRouter)
  .route("/", auditLogRouter)
  .route("/", campaignsRouter)
  .route("/", membersRouter)
  .route("/", jobsRouter)
  .route("/", emailsRouter)
  .route("/", suppressionsRouter)
  .route("/", signupsRouter)
  .route("/", signupRecordsRouter)
  .route("/", statsRouter)
  .route("/", invitesRouter)
  .route("/", preordersRouter)
  .route("/", wavesRouter)
  .route("/", schedulesRouter)
  .route("/", broadcastsRouter);
