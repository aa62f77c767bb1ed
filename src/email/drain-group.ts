/**
 * Drain step 4: group the messages into provider calls, each under one
 * idempotency key: a single send keyed by the row id, or a batch (≤ 100)
 * keyed by its sorted row ids. The key is written on the rows BEFORE the call
 * (provider_message_id = `key:<key>` while unsent), so a retry after an
 * ambiguous failure (5xx, network, a crash) repeats the same call and the
 * provider's idempotency drops the duplicate.
 * @see ./drain.ts
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { bytesToHex } from "../lib/crypto";
import { log } from "../lib/log";
import type { ClaimedRow } from "./drain-claim";
import type { OutgoingEmail } from "./providers/types";

export const KEY_MARKER = "key:";

/** One provider call: its messages and the idempotency key they go under. */
export interface Group {
  key: string;
  emails: OutgoingEmail[];
}

/** The idempotency key of a batch: a digest of its sorted row ids (Resend allows 256 chars). */
export async function batchKey(rowIds: string[]): Promise<string> {
  const sorted = [...rowIds].sort().join(",");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(sorted));
  return `b_${bytesToHex(new Uint8Array(digest))}`;
}

const byRowId = (a: OutgoingEmail, b: OutgoingEmail) => (a.rowId < b.rowId ? -1 : 1);

/**
 * The provider calls for a drain's messages. A row that carries a key marker
 * was already sent under that key (the reply was lost): repeat exactly that
 * call. Fresh rows are batched, `batchSize` to a call.
 */
export async function groupEmails(
  outgoing: OutgoingEmail[],
  claimed: Map<string, ClaimedRow>,
  batchSize: number,
): Promise<Group[]> {
  const marked = new Map<string, OutgoingEmail[]>();
  const fresh: OutgoingEmail[] = [];
  for (const email of outgoing) {
    const marker = claimed.get(email.rowId)?.provider_message_id;
    if (marker?.startsWith(KEY_MARKER)) {
      const key = marker.slice(KEY_MARKER.length);
      marked.set(key, [...(marked.get(key) ?? []), email]);
    } else fresh.push(email);
  }
  return [...(await repeatMarkedCalls(marked)), ...(await batchFresh(fresh, batchSize))];
}

/** The calls to repeat, one per key marker (or one per row when its batch broke up). */
async function repeatMarkedCalls(marked: Map<string, OutgoingEmail[]>): Promise<Group[]> {
  const groups: Group[] = [];
  for (const [key, emails] of marked) {
    if (emails.length === 1 && key === emails[0]?.rowId) groups.push({ key, emails });
    else if (key === (await batchKey(emails.map((e) => e.rowId)))) {
      groups.push({ key, emails: emails.sort(byRowId) });
    } else {
      // Part of the batch left (suppressed since, or retried by an admin):
      // send the rest one by one under their own ids.
      log("warn", "outbox batch group broken; sending its rows singly", {
        key,
        rows: emails.length,
      });
      for (const e of emails) groups.push({ key: e.rowId, emails: [e] });
    }
  }
  return groups;
}

/** Fresh rows in row id order, `batchSize` to a call; a lone row is keyed by its id. */
async function batchFresh(fresh: OutgoingEmail[], batchSize: number): Promise<Group[]> {
  const groups: Group[] = [];
  fresh.sort(byRowId);
  for (let i = 0; i < fresh.length; i += batchSize) {
    const emails = fresh.slice(i, i + batchSize);
    const key =
      emails.length === 1
        ? (emails[0] as OutgoingEmail).rowId
        : await batchKey(emails.map((e) => e.rowId));
    groups.push({ key, emails });
  }
  return groups;
}

/**
 * Writes every group's key on its rows before the provider is called (crash
 * safety), in one UPDATE … FROM json_each fenced by the lease. Rows that
 * already carry their key are skipped; nothing to write, no query.
 */
export async function writeKeyMarkers(
  db: Db,
  groups: Group[],
  claimed: Map<string, ClaimedRow>,
  lease: number,
): Promise<void> {
  const markers = groups.flatMap((g) =>
    g.emails
      .filter((e) => claimed.get(e.rowId)?.provider_message_id !== `${KEY_MARKER}${g.key}`)
      .map((e) => ({ id: e.rowId, m: `${KEY_MARKER}${g.key}` })),
  );
  if (markers.length) {
    await db.run(sql`
      UPDATE outbox_emails AS o SET provider_message_id = j.value ->> 'm'
      FROM json_each(${JSON.stringify(markers)}) AS j
      WHERE o.id = j.value ->> 'id' AND o.status = 'sending' AND o.next_attempt_at = ${lease}`);
  }
}
