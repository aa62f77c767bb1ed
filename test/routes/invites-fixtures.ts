/** Shared helpers for the invite tests: make codes, check them, read the rows. */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { adminHeaders, BASE, call, json } from "../helpers/client";
import { type D1Usage, guardD1 } from "../helpers/d1-guard";
import { nextIp } from "./signups-helpers";

export { openCampaign } from "./signups-helpers";
export { nextIp };

export interface WireInvite {
  id: string;
  campaign_id: string;
  kind: "personal" | "shared";
  hint: string;
  label: string | null;
  status: "active" | "used_up" | "expired" | "revoked";
  uses: number;
  max_uses: number;
  uses_left: number;
  per_email_limit: number | null;
  expires_at: string | null;
  revoked_at: string | null;
  signup_id: string | null;
  issued_to_signup_id: string | null;
  job_id: string | null;
  created_at: string;
  code?: string;
}

/** POST /v1/admin/campaigns/{id}/invites (admin token unless headers say otherwise). */
export function postInvites(
  campaignId: string,
  body: unknown,
  headers: Record<string, string> = adminHeaders(),
) {
  return call(`/v1/admin/campaigns/${campaignId}/invites`, json(body, headers));
}

/** Inline codes with their plaintext. */
export async function makeCodes(campaignId: string, body: Record<string, unknown>) {
  const res = await postInvites(campaignId, body);
  const out = (await res.json()) as { items: (WireInvite & { code: string })[] };
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status} ${JSON.stringify(out)}`);
  return out.items;
}

/** POST /v1/campaigns/{slug}/invites/check from a fresh client IP. */
export function checkCode(
  slug: string,
  body: unknown,
  headers: Record<string, string> = { "CF-Connecting-IP": nextIp() },
) {
  return call(`/v1/campaigns/${slug}/invites/check`, json(body, headers));
}

export async function checkJson(slug: string, body: unknown) {
  const res = await checkCode(slug, body);
  if (res.status !== 200) throw new Error(`check: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** One request with some bindings replaced (e.g. a permissive burst limiter). */
export async function callWithEnv(
  path: string,
  init: RequestInit,
  overrides: Partial<Env>,
): Promise<{ res: Response; usage: D1Usage }> {
  const { db, usage } = guardD1(env.DB);
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(new URL(path, BASE), init),
    { ...env, ...overrides, DB: db },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { res, usage };
}

/** Every text column of every invite row of the campaign, joined (to look for plaintext). */
export async function inviteRowsText(campaignId: string): Promise<string> {
  const { results } = await env.DB.prepare("SELECT * FROM invite_codes WHERE campaign_id = ?")
    .bind(campaignId)
    .all();
  return JSON.stringify(results);
}

/** Body of a displayed code (no dashes, no check symbol). */
export const bodyOf = (code: string) => code.replaceAll("-", "").slice(0, 12);

export async function setInvite(id: string, sets: string) {
  await env.DB.prepare(`UPDATE invite_codes SET ${sets} WHERE id = ?`).bind(id).run();
}
