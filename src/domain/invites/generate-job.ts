/**
 * The `generate_invites` job: large batches of shared codes (more than
 * INLINE_MAX_CODES), made in chunks from the Queue, with a one-time CSV of
 * the plaintext (./codes-csv.ts).
 *
 * Until that download the plaintext is staged as one key, not as codes. The
 * request draws a random 256-bit key (the job's `seed`, kept in jobs.params,
 * which is never on the wire); code i is the first 60 bits of AES-256-CTR
 * keystream block i under that key, the construction NIST SP 800-90A's
 * CTR_DRBG generates with. Each code is as unpredictable as a fresh random one,
 * chunks can make any index range, and the CSV is re-made from the key in
 * one cipher call. The download deletes the key, after which the codes exist
 * only as keyed hashes, exactly like inline ones. Staging a key instead of
 * 100,000 codes keeps the job row tiny (no 2 MB rows, no 100 KB statements)
 * and keeps plaintext out of every SQL statement, so none can reach a log.
 * @see https://nvlpubs.nist.gov/nistpubs/SpecialPublications/NIST.SP.800-90Ar1.pdf §10.2
 * @see ../../../../shared/DOMAIN.md "Jobs", "Secrets"
 */
import { z } from "zod";
import { loadSettings } from "../../config";
import type { Db } from "../../db/client";
import { inviteCodes, newId } from "../../db/schema";
import type { JsonObject } from "../../db/schema/types";
import type { JobsQueue } from "../../jobs/messages";
import { registerJobKind } from "../../jobs/registry";
import { enqueueJob, JobError } from "../../jobs/runner";
import { encode } from "../../lib/base32";
import { base64UrlToBytes, randomToken } from "../../lib/crypto";
import { type AuditContext, auditInsert } from "../audit";
import type { SharedCodeSettings } from "./admin";
import {
  actorString,
  CODE_SYMBOLS,
  type CodeRowInput,
  codeHint,
  hashCodes,
  inJson,
  insertCodeStatements,
} from "./codes";

/** Codes per chunk: 2 hash reads + 5 inserts, well inside one invocation's 50 queries. */
export const GENERATE_CHUNK = 2000;
/** Hashes per "already taken?" read: 1000 × 67 bytes of JSON stays under 100 KB. */
const HASHES_PER_READ = 1000;
/** Collisions are 2^-60 events; this many means something is wrong (a reused seed). */
const MAX_SKIPPED = 20;

export const generateParams = z.object({
  count: z.number().int().min(1),
  maxUses: z.number().int().min(1),
  perEmailLimit: z.number().int().min(1).nullable(),
  expiresAt: z.number().int().nullable(),
  label: z.string().nullable(),
  createdBy: z.string().nullable(),
  /** base64url AES-256 key; removed when the CSV is downloaded. */
  seed: z.string().optional(),
});
export type GenerateParams = z.infer<typeof generateParams>;

interface GenerateState extends JsonObject {
  /** Next keystream index to use. */
  next: number;
  /** Codes inserted so far. */
  made: number;
  /** Indexes whose code collided with an existing one (left out of the CSV). */
  skipped: number[];
}

/** What jobs.result shows (no secrets; GET /v1/admin/jobs/{id} returns it). */
export interface GenerateResult extends JsonObject {
  requested: number;
  made: number;
  next: number;
  skipped: number[];
  csv: "pending" | "ready" | "downloaded";
  csv_url: string;
}

export const csvUrl = (jobId: string) => `/v1/admin/jobs/${jobId}/codes.csv`;

/** Bodies of codes `start … start + count − 1` under the job's key. */
export async function codeBodies(seed: string, start: number, count: number): Promise<string[]> {
  const raw = base64UrlToBytes(seed);
  if (raw?.length !== 32) throw new JobError("The batch key is damaged");
  if (count === 0) return [];
  const key = await crypto.subtle.importKey("raw", raw, { name: "AES-CTR" }, false, ["encrypt"]);
  // Nonce half zero (one key per job), counter half = the first index.
  const counter = new Uint8Array(16);
  new DataView(counter.buffer).setBigUint64(8, BigInt(start));
  const stream = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-CTR", counter, length: 64 },
      key,
      new Uint8Array(count * 16),
    ),
  );
  const out: string[] = [];
  // 8 bytes → 13 symbols whose first 12 carry 60 uniform bits (as in derivePersonalCode).
  for (let i = 0; i < count; i++) {
    out.push(encode(stream.subarray(i * 16, i * 16 + 8)).slice(0, CODE_SYMBOLS));
  }
  return out;
}

export const generateInvitesJob = registerJobKind<GenerateParams, GenerateState>(
  "generate_invites",
  {
    chunkSize: GENERATE_CHUNK,
    maxQueries: Math.ceil(GENERATE_CHUNK / HASHES_PER_READ) + 6,
    params: generateParams,
    async run(db, env, job) {
      const p = job.params;
      if (!job.campaignId) throw new JobError("The campaign no longer exists");
      if (!p.seed) throw new JobError("The batch key is gone (the CSV was downloaded)");
      const secret = loadSettings(env).TOKEN_SECRET;
      const state: GenerateState = job.state ?? { next: 0, made: 0, skipped: [] };
      const n = Math.min(GENERATE_CHUNK, p.count - state.made);
      const bodies = await codeBodies(p.seed, state.next, n);
      const hashes = await hashCodes(secret, bodies);

      // A code equal to an existing one (any campaign) is skipped, never shown.
      const taken = new Set<string>();
      for (let i = 0; i < hashes.length; i += HASHES_PER_READ) {
        const rows = await db
          .select({ h: inviteCodes.codeHash })
          .from(inviteCodes)
          .where(inJson(inviteCodes.codeHash, hashes.slice(i, i + HASHES_PER_READ)));
        for (const r of rows) taken.add(r.h);
      }
      const skipped = [...state.skipped];
      const rows: CodeRowInput[] = [];
      bodies.forEach((body, k) => {
        const hash = hashes[k] as string;
        if (taken.has(hash)) skipped.push(state.next + k);
        else {
          taken.add(hash);
          rows.push({ id: newId("inv"), hash, hint: codeHint(body) });
        }
      });
      if (skipped.length > MAX_SKIPPED) throw new JobError("Too many code collisions");

      const made = state.made + rows.length;
      const next = state.next + n;
      const finished = made >= p.count;
      const result: GenerateResult = {
        requested: p.count,
        made,
        next,
        skipped,
        csv: finished ? "ready" : "pending",
        csv_url: csvUrl(job.id),
      };
      return {
        done: rows.length,
        failed: 0,
        total: p.count,
        statements: insertCodeStatements(db, rows, {
          campaignId: job.campaignId,
          kind: "shared",
          maxUses: p.maxUses,
          perEmailLimit: p.perEmailLimit,
          expiresAt: p.expiresAt,
          label: p.label,
          jobId: job.id,
          createdBy: p.createdBy,
          now: Date.now(),
        }),
        nextState: finished ? null : { next, made, skipped },
        result,
      };
    },
  },
);

/**
 * Starts a job making `count` shared codes; the job row and its audit entry
 * commit together. Returns the job id (progress at /v1/admin/jobs/{id}).
 * The caller has checked that the campaign exists.
 */
export async function startGenerateJob(
  db: Db,
  queue: JobsQueue,
  audit: AuditContext,
  campaignId: string,
  count: number,
  opts: SharedCodeSettings,
): Promise<{ jobId: string }> {
  const params: GenerateParams = {
    count,
    ...opts,
    createdBy: actorString(audit),
    seed: randomToken(32),
  };
  try {
    const { id } = await enqueueJob(db, queue, {
      kind: generateInvitesJob,
      campaignId,
      params,
      total: count,
      createdBy: audit.actorId,
      with: (jobId) => [
        auditInsert(db, audit, {
          action: "invite.generate",
          targetType: "job",
          targetId: jobId,
          campaignId,
          changes: {
            kind: "shared",
            count,
            max_uses: opts.maxUses,
            per_email_limit: opts.perEmailLimit,
            expires_at: opts.expiresAt,
            label: opts.label,
          },
        }),
      ],
    });
    return { jobId: id };
  } catch (err) {
    // drizzle's error text lists the bound parameters, the key among them: keep D1's own words only.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : "";
    throw new Error(`Could not start the code batch${cause ? `: ${cause}` : ""}`);
  }
}
