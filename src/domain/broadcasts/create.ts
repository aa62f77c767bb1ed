/**
 * Starting a broadcast: count the segment's recipients (for progress and the
 * ETA), then the job row, the broadcast row and the audit row in one batch;
 * the `broadcast` job (./job.ts) writes the outbox rows in chunks.
 * @see ../../../../shared/DOMAIN.md "Wave, schedule, broadcast"
 */
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { broadcasts, campaigns, newId } from "../../db/schema";
import type { BroadcastSegment } from "../../db/schema/enums";
import type { JobsQueue } from "../../jobs/messages";
import { enqueueJob } from "../../jobs/runner";
import { notFound } from "../../lib/errors";
import { type AuditContext, auditInsert } from "../audit";
import { type BroadcastInput, storedText, toContent } from "./content";
import { broadcastJob } from "./job";
import { type BroadcastView, broadcastQuery } from "./read";
import { countRecipients } from "./segments";

export interface StartBroadcastInput {
  campaignId: string;
  segment: BroadcastSegment;
  input: BroadcastInput;
  /** broadcasts.created_by: an actor string. */
  createdBy: string | null;
  /** jobs.created_by: the member or API key id. */
  jobCreatedBy: string | null;
}

export async function startBroadcast(
  db: Db,
  queue: JobsQueue,
  audit: AuditContext,
  input: StartBroadcastInput,
  now: number,
): Promise<BroadcastView> {
  const { campaignId, segment } = input;
  const [campaign] = await db
    .select({ locale: campaigns.defaultLocale })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  if (!campaign) throw notFound("Campaign");
  const content = toContent(input.input, campaign.locale);
  const recipients = await countRecipients(db, campaignId, segment);
  const id = newId("brc");
  await enqueueJob(db, queue, {
    kind: broadcastJob,
    campaignId,
    params: {
      broadcastId: id,
      locale: content.locale,
      actionUrl: content.actionUrl,
      actionLabel: content.actionLabel,
    },
    total: recipients,
    createdBy: input.jobCreatedBy,
    with: (jobId) => [
      db.insert(broadcasts).values({
        id,
        campaignId,
        segment,
        subject: storedText(content, "subject"),
        body: storedText(content, "body"),
        jobId,
        recipientCount: recipients,
        createdBy: input.createdBy,
        createdAt: now,
      }),
      auditInsert(db, audit, {
        action: "broadcast.create",
        targetType: "broadcast",
        targetId: id,
        campaignId,
        changes: {
          segment,
          recipients,
          locale: content.locale,
          subject: storedText(content, "subject").en.slice(0, 200),
        },
      }),
    ],
  });
  const [view] = await broadcastQuery(db).where(eq(broadcasts.id, id));
  if (!view) throw new Error("broadcast vanished after its batch");
  return view;
}
