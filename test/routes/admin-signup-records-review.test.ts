import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { adminHeaders, call, expectProblem, json } from "../helpers/client";
import {
  BOOST,
  HOUR,
  type Loose,
  makeCampaign,
  makeSignup,
  positionOf,
  signupRow,
  statusJson,
  tokenFor,
} from "./status-fixtures";

let viewer: string;
let editor: string;

beforeAll(async () => {
  const key = async (role: string) =>
    (
      (await (
        await call("/v1/admin/api-keys", json({ name: role, role }, adminHeaders()))
      ).json()) as {
        key: string;
      }
    ).key;
  viewer = await key("viewer");
  editor = await key("editor");
});

const review = (id: string, decision: "approve" | "reject", body?: unknown, token = editor) =>
  call(
    `/v1/admin/signups/${id}/${decision}`,
    body === undefined
      ? { method: "POST", headers: adminHeaders(token) }
      : json(body, adminHeaders(token)),
  );

async function ok(res: Response): Promise<Loose> {
  const body = (await res.json()) as Loose;
  if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function audit(id: string) {
  const { results } = await env.DB.prepare(
    "SELECT action, actor_type, changes FROM audit_log WHERE target_id = ? AND action LIKE 'signup.%' ORDER BY created_at, rowid",
  )
    .bind(id)
    .all<{ action: string; actor_type: string; changes: string }>();
  return results.map((r) => ({ ...r, changes: JSON.parse(r.changes) }));
}

const T = Date.UTC(2026, 0, 1);

describe("POST /v1/admin/signups/{id}/approve and /reject", () => {
  it("approve puts a flagged signup in line and gives the withheld referral credit, once", async () => {
    const c = await makeCampaign();
    const first = await makeSignup(c.id, { at: T });
    const referrer = await makeSignup(c.id, { at: T + 10 * HOUR });
    // Flagged (e.g. same IP as the referrer), confirmed, so its credit was withheld.
    const flagged = await makeSignup(c.id, {
      at: T + 20 * HOUR,
      review: "flagged",
      referredBy: referrer.id,
    });
    expect(await positionOf(flagged.id)).toBeNull();
    expect(await positionOf(referrer.id)).toBe(2);

    const body = await ok(await review(flagged.id, "approve", { note: "Checked by hand" }));
    expect(body).toMatchObject({
      id: flagged.id,
      review: "ok",
      review_reason: "Checked by hand",
      referral_credit_changed: true,
    });
    // In line now, and 10 h − 24 h moves the referrer ahead of the first signup.
    expect(await positionOf(flagged.id)).toBe(3);
    expect(await statusJson(referrer.id)).toMatchObject({ verified_referrals: 1, position: 1 });
    expect((await signupRow(referrer.id))?.score).toBe(T + 10 * HOUR - BOOST);
    expect((await signupRow(flagged.id))?.referral_credited_at).not.toBeNull();
    expect(await positionOf(first.id)).toBe(2);

    await expectProblem(review(flagged.id, "approve"), 409, "conflict");
    expect((await signupRow(referrer.id))?.verified_referrals).toBe(1);
    expect(await audit(flagged.id)).toEqual([
      {
        action: "signup.approve",
        actor_type: "api_key",
        changes: { review: { from: "flagged", to: "ok" }, note: "Checked by hand" },
      },
    ]);
  });

  it("approving a pending signup credits nothing yet; its confirmation does", async () => {
    const c = await makeCampaign();
    const referrer = await makeSignup(c.id);
    const s = await makeSignup(c.id, {
      status: "pending",
      review: "flagged",
      referredBy: referrer.id,
    });
    expect((await ok(await review(s.id, "approve"))).referral_credit_changed).toBe(false);
    expect((await signupRow(referrer.id))?.verified_referrals).toBe(0);
    await call(`/confirm/${await tokenFor(s.id, "confirm")}`, {
      method: "POST",
      redirect: "manual",
    });
    expect((await signupRow(referrer.id))?.verified_referrals).toBe(1);
  });

  it("reject takes the signup out of line and takes back a credit it gave; approve gives it again", async () => {
    const c = await makeCampaign();
    const referrer = await makeSignup(c.id, { at: T + 30 * HOUR, verifiedReferrals: 1 });
    const s = await makeSignup(c.id, { at: T, referredBy: referrer.id, creditedAt: T + 1 });
    const other = await makeSignup(c.id, { at: T + 10 * HOUR });
    expect(await positionOf(referrer.id)).toBe(2);

    const rejected = await ok(await review(s.id, "reject"));
    expect(rejected).toMatchObject({ review: "rejected", referral_credit_changed: true });
    expect(await statusJson(s.id)).toMatchObject({
      review: "rejected",
      in_line: false,
      position: null,
    });
    expect(await statusJson(referrer.id)).toMatchObject({ verified_referrals: 0, position: 2 });
    expect((await signupRow(referrer.id))?.score).toBe(T + 30 * HOUR);
    expect(await positionOf(other.id)).toBe(1);
    await expectProblem(review(s.id, "reject"), 409, "conflict");
    expect((await signupRow(referrer.id))?.verified_referrals).toBe(0);

    const approved = await ok(await review(s.id, "approve"));
    expect(approved.referral_credit_changed).toBe(true);
    expect((await signupRow(referrer.id))?.verified_referrals).toBe(1);
    expect(await positionOf(s.id)).toBe(1);
    expect((await audit(s.id)).map((a) => a.action)).toEqual(["signup.reject", "signup.approve"]);
  });

  it("rejecting an ok signup without a referral just takes it out of line", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id);
    expect(await ok(await review(s.id, "reject"))).toMatchObject({
      review: "rejected",
      referral_credit_changed: false,
    });
    expect(await positionOf(s.id)).toBeNull();
  });

  it("needs the editor role", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id, { review: "flagged" });
    await expectProblem(review(s.id, "approve", undefined, viewer), 403, "forbidden");
    await expectProblem(review(s.id, "reject", undefined, viewer), 403, "forbidden");
    await expectProblem(
      call(`/v1/admin/signups/${s.id}/approve`, { method: "POST" }),
      401,
      "unauthorized",
    );
    await expectProblem(review(s.id, "approve", undefined, "psk_wrong"), 401, "unauthorized");
    expect((await signupRow(s.id))?.review).toBe("flagged");
    expect(await audit(s.id)).toEqual([]);
  });

  it("404 for an unknown id, 409 for an erased signup", async () => {
    await expectProblem(review("sgn_nope", "approve"), 404, "not_found");
    const c = await makeCampaign();
    const s = await makeSignup(c.id, { review: "flagged" });
    await call(`/v1/admin/signups/${s.id}`, { method: "DELETE", headers: adminHeaders() });
    await expectProblem(review(s.id, "approve"), 409, "conflict");
  });

  it("validates the optional body: unknown fields 422, wrong type 415; hostile text stored verbatim", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id, { review: "flagged" });
    await expectProblem(
      review(s.id, "approve", { note: "x", role: "owner" }),
      422,
      "validation_failed",
    );
    await expectProblem(
      review(s.id, "approve", { note: "x".repeat(501) }),
      422,
      "validation_failed",
    );
    await expectProblem(
      call(`/v1/admin/signups/${s.id}/approve`, {
        method: "POST",
        headers: { ...adminHeaders(editor), "Content-Type": "text/plain" },
        body: "note",
      }),
      415,
      "unsupported_media_type",
    );
    expect((await signupRow(s.id))?.review).toBe("flagged");
    const note = "'; DROP TABLE signups; --";
    expect((await ok(await review(s.id, "reject", { note }))).review_reason).toBe(note);
  });
});
