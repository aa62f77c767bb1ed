/**
 * The `broadcast` job: writes one `broadcast` outbox row (list mail, dedupe
 * key `broadcast:<id>:<signup id>`) per recipient, in chunks along
 * (created_at, id). A chunk reads the next keys of the segment, then ONE
 * INSERT … SELECT writes the rows of that key range, re-checking the segment,
 * unsubscribe and suppression at write time; the runner commits it with the
 * chunk's progress, and the dedupe key makes a repeated chunk a no-op.
 * @see ../../jobs/runner.ts
 */
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { broadcasts } from "../../db/schema";
import { type BroadcastSegment, broadcastSegments, locales } from "../../db/schema/enums";
import { kickOutbox } from "../../email/outbox";
import { type ChunkOutcome, registerJobKind } from "../../jobs/registry";
import { JobError } from "../../jobs/runner";
import { run } from "../campaigns/statements";
import type { BroadcastJobParams } from "./content";
import { recipientsOf } from "./segments";

/** Recipients per chunk: one key read and one INSERT … SELECT, whatever the size. */
export const BROADCAST_CHUNK = 2000;

const paramsSchema = z.object({
  broadcastId: z.string().min(1).max(64),
  locale: z.enum(locales).nullable(),
  actionUrl: z.string().nullable(),
  actionLabel: z.string().nullable(),
});

interface Cursor {
  at: number;
  id: string;
  [key: string]: number | string;
}

export const broadcastJob = registerJobKind<BroadcastJobParams, Cursor>("broadcast", {
  chunkSize: BROADCAST_CHUNK,
  maxQueries: 4,
  params: paramsSchema,
  async run(db, env, job, chunk): Promise<ChunkOutcome<Cursor>> {
    const p = job.params;
    const [b] = await db.select().from(broadcasts).where(eq(broadcasts.id, p.broadcastId));
    if (!b) throw new JobError("The broadcast no longer exists");
    const segment = b.segment as BroadcastSegment;
    if (!(broadcastSegments as readonly string[]).includes(segment)) {
      throw new JobError(`Unknown segment ${segment}`);
    }
    const from = job.state ?? { at: -1, id: "" };
    const where = recipientsOf(b.campaignId, segment);
    const keys = await db.all<{ at: number; id: string }>(sql`
      SELECT created_at AS at, id FROM signups
      WHERE ${where} AND (created_at, id) > (${from.at}, ${from.id})
      ORDER BY created_at, id LIMIT ${chunk.size}`);
    const last = keys.at(-1);
    const finished = keys.length < chunk.size;
    if (!last) return { done: 0, failed: 0, nextState: null, total: job.done };

    const texts = JSON.stringify(
      Object.fromEntries(
        locales.flatMap((l) => {
          const subject = l === "en" ? b.subject.en : b.subject[l];
          const body = l === "en" ? b.body.en : b.body[l];
          return subject && body ? [[l, { subject, body }]] : [];
        }),
      ),
    );
    const now = Date.now();
    // The text is bound once (CTE t) however many rows; `loc` is the row's language.
    const insert = run(
      db,
      sql`WITH t(v) AS (SELECT ${texts}),
        r AS (
          SELECT signups.id, signups.campaign_id, signups.email,
            CASE WHEN ${p.locale} IS NOT NULL THEN ${p.locale}
              WHEN json_type((SELECT v FROM t), '$.' || signups.locale) IS NOT NULL THEN signups.locale
              ELSE 'en' END AS loc
          FROM signups
          WHERE ${where} AND (signups.created_at, signups.id) > (${from.at}, ${from.id})
            AND (signups.created_at, signups.id) <= (${last.at}, ${last.id})
        )
        INSERT INTO outbox_emails (id, campaign_id, template, category, locale, to_email, subject,
          payload, dedupe_key, status, attempts, next_attempt_at, signup_id, job_id, erased,
          created_at, updated_at)
        SELECT 'eml_' || lower(hex(randomblob(13))), r.campaign_id, 'broadcast', 'list', r.loc,
          r.email, json_extract((SELECT v FROM t), '$.' || r.loc || '.subject'),
          json_object('subject', json_extract((SELECT v FROM t), '$.' || r.loc || '.subject'),
            'body', json_extract((SELECT v FROM t), '$.' || r.loc || '.body'),
            'actionUrl', ${p.actionUrl}, 'actionLabel', ${p.actionLabel}),
          'broadcast:' || ${b.id} || ':' || r.id, 'queued', 0, ${now}, r.id, ${job.id}, 0,
          ${now}, ${now}
        FROM r WHERE true
        ON CONFLICT (dedupe_key) DO NOTHING`,
    );
    await kickOutbox(env, { delaySeconds: 5 });
    return {
      done: keys.length,
      failed: 0,
      nextState: finished ? null : { at: last.at, id: last.id },
      ...(finished ? { total: job.done + keys.length } : {}),
      statements: [insert],
    };
  },
});
