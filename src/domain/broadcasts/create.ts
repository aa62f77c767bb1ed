/**
 * Starting a broadcast: count the segment's recipients (for progress and the
 * ETA), then the job row, the broadcast row and the audit row in one batch;
 * the `broadcast` job (./job.ts) writes the outbox rows in chunks.
 *
 * Idempotent by key, like waves (../waves/start.ts): the same key returns the
 * broadcast it made; the same key with another message is a 422. The row is
 * written in the job's batch with a unique index on (campaign, key), so of
 * two requests racing with one key only one batch commits (one job, one
 * mailing) and the other answers with the winner's broadcast.
 * @see ../../../../shared/DOMAIN.md "Wave, schedule, broadcast"
 */
import { and, eq, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { broadcasts, campaigns, newId } from "../../db/schema";
import type { BroadcastSegment } from "../../db/schema/enums";
import type { JobsQueue } from "../../jobs/messages";
import { enqueueJob } from "../../jobs/runner";
import { sha256Hex } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { type AuditContext, auditInsert } from "../audit";
import { errorText } from "../db-errors";
import { canonicalJson } from "../preorders/idempotency";
import { type BroadcastContent, type BroadcastInput, storedText, toContent } from "./content";
import { broadcastJob } from "./job";
import { type BroadcastView, broadcastQuery } from "./read";
import { countRecipients } from "./segments";

export interface StartBroadcastInput {
  campaignId: string;
  segment: BroadcastSegment;
  input: BroadcastInput;
  /** The client's Idempotency-Key. */
  idempotencyKey: string;
  /** broadcasts.created_by: an actor string. */
  createdBy: string | null;
  /** jobs.created_by: the member or API key id. */
  jobCreatedBy: string | null;
}

export interface StartBroadcastResult {
  view: BroadcastView;
  /** `replayed`: the key's existing broadcast; `created`: a new one, its job queued. */
  outcome: "created" | "replayed";
}

const keyConflict = (e: unknown) =>
  /UNIQUE constraint failed:[^|]*broadcasts\.idempotency_key/i.test(errorText(e));

const byKey = (campaignId: string, key: string) =>
  and(eq(broadcasts.campaignId, campaignId), eq(broadcasts.idempotencyKey, key)) as SQL;

/**
 * Fingerprint of what would be sent (segment, text, language, button), from
 * the request as given: a later change of the campaign's default language
 * must not turn a retry into "another message".
 */
export const broadcastRequestHash = (segment: BroadcastSegment, input: BroadcastInput) =>
  sha256Hex(canonicalJson({ segment, ...input }));

async function findByKey(db: Db, campaignId: string, key: string) {
  const [view] = await broadcastQuery(db).where(byKey(campaignId, key));
  return view;
}

function replay(existing: BroadcastView, hash: string): StartBroadcastResult {
  if (existing.b.requestHash !== hash) {
    throw new AppError("idempotency_key_reused", {
      detail: `This key already started broadcast ${existing.b.id} with another message; use a new key for another broadcast`,
    });
  }
  return { view: existing, outcome: "replayed" };
}

export async function startBroadcast(
  db: Db,
  queue: JobsQueue,
  audit: AuditContext,
  input: StartBroadcastInput,
  now: number,
): Promise<StartBroadcastResult> {
  const { campaignId, segment, idempotencyKey } = input;
  const [campaign] = await db
    .select({ locale: campaigns.defaultLocale })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  if (!campaign) throw notFound("Campaign");
  const requestHash = await broadcastRequestHash(segment, input.input);
  const existing = await findByKey(db, campaignId, idempotencyKey);
  if (existing) return replay(existing, requestHash);

  const content = toContent(input.input, campaign.locale);
  const recipients = await countRecipients(db, campaignId, segment);
  const id = newId("brc");
  try {
    await start(db, queue, audit, { id, input, content, recipients, requestHash, now });
  } catch (err) {
    if (keyConflict(err)) {
      const winner = await findByKey(db, campaignId, idempotencyKey);
      if (winner) return replay(winner, requestHash);
    }
    throw err;
  }
  const [view] = await broadcastQuery(db).where(eq(broadcasts.id, id));
  if (!view) throw new Error("broadcast vanished after its batch");
  return { view, outcome: "created" };
}

/** The job row, the broadcast row and the audit row in one batch. */
async function start(
  db: Db,
  queue: JobsQueue,
  audit: AuditContext,
  p: {
    id: string;
    input: StartBroadcastInput;
    content: BroadcastContent;
    recipients: number;
    requestHash: string;
    now: number;
  },
) {
  const { id, content, recipients, now } = p;
  const { campaignId, segment, idempotencyKey } = p.input;
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
    createdBy: p.input.jobCreatedBy,
    with: (jobId) => [
      db.insert(broadcasts).values({
        id,
        campaignId,
        segment,
        subject: storedText(content, "subject"),
        body: storedText(content, "body"),
        jobId,
        recipientCount: recipients,
        idempotencyKey,
        requestHash: p.requestHash,
        createdBy: p.input.createdBy,
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
          idempotency_key: idempotencyKey,
        },
      }),
    ],
  });
}
