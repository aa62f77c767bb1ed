/**
 * Fixtures for the status, privacy and review tests: campaigns and signups
 * inserted straight into D1 (so each test sets exactly the facts it needs),
 * tokens derived the way the emails derive them, and the two status reads.
 */
import { env } from "cloudflare:test";
import { createDb } from "../../src/db/client";
import {
  type AudienceState,
  campaigns,
  type NewCampaign,
  type ReviewState,
  type SignupStatus,
  signups,
} from "../../src/db/schema";
import { deriveToken, type TokenPurpose } from "../../src/lib/tokens";
import { call } from "../helpers/client";

export const db = createDb(env.DB);

/** A JSON body or a row, read field by field in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read deep JSON freely
export type Loose = Record<string, any>;
export const HOUR = 3_600_000;
/** Campaign default: 24 h per verified referral. */
export const BOOST = 24 * HOUR;

let n = 0;
export const uid = () => `${Date.now().toString(36)}${(++n).toString(36)}`;

export async function makeCampaign(extra: Partial<NewCampaign> = {}) {
  const [row] = await db
    .insert(campaigns)
    .values({
      slug: `st-${uid()}`,
      name: "Aurora <Lamp>",
      currency: "USD",
      status: "waitlist",
      referralBoostMs: BOOST,
      ...extra,
    })
    .returning();
  return row!;
}

export interface SignupOpts {
  status?: SignupStatus;
  review?: ReviewState;
  audience?: AudienceState;
  /** Signup time (UTC ms); the score starts here. */
  at?: number;
  verifiedReferrals?: number;
  referredBy?: string;
  creditedAt?: number;
  invitedAt?: number;
  locale?: "en" | "uz";
  email?: string;
  name?: string;
  id?: string;
}

export async function makeSignup(campaignId: string, o: SignupOpts = {}) {
  const at = o.at ?? Date.now();
  const email = o.email ?? `p-${uid()}@Example.com`;
  const status = o.status ?? "confirmed";
  const vr = o.verifiedReferrals ?? 0;
  const [row] = await db
    .insert(signups)
    .values({
      ...(o.id ? { id: o.id } : {}),
      campaignId,
      email,
      emailNormalized: email.toLowerCase(),
      name: o.name ?? null,
      locale: o.locale ?? "en",
      status,
      confirmedAt: status === "confirmed" ? at : null,
      review: o.review ?? "ok",
      audience: o.audience ?? "inside",
      referralCode: `R${uid()}`.toUpperCase().slice(0, 12),
      referredBySignupId: o.referredBy ?? null,
      referralCreditedAt: o.creditedAt ?? null,
      verifiedReferrals: vr,
      score: at - BOOST * vr,
      invitedAt: o.invitedAt ?? null,
      consentAt: at,
      consentFormVersion: "v1",
      consentLocale: o.locale ?? "en",
      ipHmac: "ip-hmac-of-the-person",
      utmSource: "newsletter",
      referrer: "https://ref.example/page",
      landingUrl: "https://landing.example/?utm_source=newsletter",
      country: "UZ",
      answers: { why: "for my desk" },
      createdAt: at,
    })
    .returning();
  return row!;
}

export const tokenFor = (id: string, purpose: TokenPurpose = "status", version = 1) =>
  deriveToken(env.TOKEN_SECRET, purpose, id, version);

export const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

/** GET /v1/status as JSON (asserting 200). */
export async function statusJson(id: string, version = 1): Promise<Loose> {
  const res = await call("/v1/status", bearer(await tokenFor(id, "status", version)));
  const body = (await res.json()) as Loose;
  if (res.status !== 200) throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

export const positionOf = async (id: string) => (await statusJson(id)).position as number | null;

/** A form post as the status page's own form sends it. */
export const formPost = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: {
    "Content-Type": "application/x-www-form-urlencoded",
    Origin: "https://presale.test",
    ...headers,
  },
  body,
  redirect: "manual",
});

export async function signupRow(id: string) {
  return env.DB.prepare("SELECT * FROM signups WHERE id = ?").bind(id).first<Loose>();
}
