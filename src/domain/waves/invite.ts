/**
 * The writes that invite a set of signups, for one `db.batch()`: their
 * personal codes (the invite-codes area's set-based issuance), then per group
 * of people the wave membership, the invitation email (list mail, dedupe key
 * `invitation:<signup id>`) and `invited_at`. Every statement is set-based
 * (a group travels as ONE JSON parameter, read with json_each); the member,
 * email and invited_at writes re-check `invitable` at write time, and codes
 * and members only write what is not there (unique indexes), so running the
 * same statements twice, or two waves racing for the same people, never
 * invites anyone twice: the batch that sets `invited_at` first takes them,
 * the other finds them not invitable and writes nothing for them.
 *
 * Code issuance only checks that the signup exists and is not erased, so a
 * last statement per group takes back a code this batch just minted for
 * someone it did not invite (they unsubscribed, were flagged or were
 * suppressed between the read and the batch): no code without an invitation.
 * @see ../../../../shared/DOMAIN.md "Wave, schedule, broadcast"
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { run, type Stmt } from "../campaigns/statements";
import { ROWS_PER_INSERT } from "../invites/codes";
import { issuePersonalCodeStatements } from "../invites/personal";
import { outboxFromSignups } from "../signups/outbox-sql";
import { invitable } from "./eligibility";

/** People per group: `{ s, p }` rows of ≤ ~90 bytes, well under 90 KB a statement. */
export const INVITE_GROUP_ROWS = 1000;

export interface InviteInput {
  campaignId: string;
  /** The wave that records its members; null when not a wave (a milestone reward). */
  waveId: string | null;
  /** In line order. */
  signupIds: readonly string[];
  /** wave_members.position of the first one (place in line when the wave began). */
  firstPosition?: number;
  /** invite_codes.created_by, e.g. `system:wave`. */
  createdBy: string;
  now: number;
}

/** Statements inviting `signupIds` (none when empty). Derives the codes: two HMACs a person. */
export async function inviteStatements(
  db: Db,
  secret: string,
  input: InviteInput,
): Promise<Stmt[]> {
  const { campaignId, now } = input;
  const first = input.firstPosition ?? 1;
  const out = await issuePersonalCodeStatements(
    db,
    { TOKEN_SECRET: secret },
    { id: campaignId },
    input.signupIds.map((id) => ({ id })),
    now,
    { createdBy: input.createdBy },
  );
  for (let i = 0; i < input.signupIds.length; i += INVITE_GROUP_ROWS) {
    const group = JSON.stringify(
      input.signupIds.slice(i, i + INVITE_GROUP_ROWS).map((s, k) => ({ s, p: first + i + k })),
    );
    const listed = sql`SELECT j.value ->> 's' FROM json_each(${group}) AS j`;
    const picked = sql`s.campaign_id = ${campaignId} AND ${invitable("s")}`;
    if (input.waveId) {
      // CROSS JOIN keeps json_each the outer loop (a PK lookup per person); left to
      // itself SQLite may walk the campaign's line and rescan the JSON for every row.
      out.push(
        run(
          db,
          sql`INSERT INTO wave_members (wave_id, signup_id, invite_id, position, created_at)
            SELECT ${input.waveId}, s.id,
              (SELECT i.id FROM invite_codes i WHERE i.signup_id = s.id AND i.kind = 'personal'),
              j.value ->> 'p', ${now}
            FROM json_each(${group}) AS j CROSS JOIN signups s ON s.id = j.value ->> 's'
            WHERE ${picked}
            ON CONFLICT DO NOTHING`,
        ),
      );
    }
    out.push(
      outboxFromSignups(db, {
        template: sql`'invitation'`,
        category: "list",
        // The code is derived at send time from the invite row; nothing secret is stored.
        payload: sql`json_object('expiresAt', NULL)`,
        dedupeKey: sql`'invitation:' || s.id`,
        where: sql`s.id IN (${listed}) AND ${picked}`,
        now,
      }),
      run(
        db,
        sql`UPDATE signups SET invited_at = ${now}, updated_at = ${now}
          WHERE signups.id IN (${listed})
            AND signups.campaign_id = ${campaignId} AND ${invitable("signups")}`,
      ),
      run(
        db,
        sql`DELETE FROM invite_codes
          WHERE kind = 'personal' AND created_at = ${now} AND signup_id IN (${listed})
            AND EXISTS (SELECT 1 FROM signups s
              WHERE s.id = invite_codes.signup_id AND s.invited_at IS NULL)`,
      ),
    );
  }
  return out;
}

/** Statements inviteStatements makes for `people` at most (for query budgets). */
export const inviteStatementCount = (people: number, withWave: boolean) =>
  Math.ceil(people / ROWS_PER_INSERT) + Math.ceil(people / INVITE_GROUP_ROWS) * (withWave ? 4 : 3);
