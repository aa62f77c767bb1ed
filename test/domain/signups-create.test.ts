import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { run } from "../../src/domain/campaigns/statements";
import {
  createSignupStatements,
  type SignupCampaignRef,
  type SignupRowInput,
} from "../../src/domain/signups/create";
import {
  creditReferralStatements,
  isReferralCodeCollision,
} from "../../src/domain/signups/referrals";
import { newCampaign } from "../helpers/campaign-fixtures";
import { guardD1 } from "../helpers/d1-guard";
import { outboxRows, signupByEmail, signupRows } from "../routes/signups-helpers";

const db = createDb(env.DB);

async function campaignRef(extra: Partial<SignupCampaignRef> = {}): Promise<SignupCampaignRef> {
  const c = await newCampaign();
  return { id: c.id, doubleOptIn: true, audienceRules: {}, referralEnabled: true, ...extra };
}

const row = (email: string, extra: Partial<SignupRowInput> = {}): SignupRowInput => ({
  email,
  emailNormalized: email.toLowerCase(),
  locale: "en",
  consentAt: Date.now(),
  ...extra,
});

describe("createSignupStatements", () => {
  it("a failing batch writes neither the signup nor its email (referral-code clash)", async () => {
    const c = await campaignRef();
    const first = createSignupStatements(db, c, row("first@example.com"), Date.now());
    await db.batch(first.statements);
    const taken = first.rows[0]!.referralCode;

    const clash = createSignupStatements(
      db,
      c,
      row("second@example.com", { referralCode: taken }),
      Date.now(),
    );
    const err = await db.batch(clash.statements).catch((e: unknown) => e);
    expect(isReferralCodeCollision(err)).toBe(true);
    expect(await signupByEmail(c.id, "second@example.com")).toBeNull();
    const mail = await outboxRows(c.id);
    expect(mail.map((m) => m.to_email)).toEqual(["first@example.com"]);
  });

  it("writes many rows (an import) in a fixed number of statements within D1's limits", async () => {
    const c = await campaignRef({ audienceRules: { allowListOnly: true } });
    await db.batch(
      createSignupStatements(db, c, row("already@example.com"), Date.now()).statements,
    );
    const rows = Array.from({ length: 100 }, (_, i) =>
      row(`import${i}@example.com`, { consentSource: "import", name: `Person ${i}` }),
    );
    rows.push(row("ALREADY@example.com", { consentSource: "import" }));
    rows.push(row("import0@example.com", { consentSource: "import" }));
    rows.push(row("temp@mailinator.com", { consentSource: "import" }));

    const { db: guarded, usage } = guardD1(env.DB);
    const gdb = createDb(guarded);
    const plan = createSignupStatements(gdb, c, rows, Date.now(), {
      status: "confirmed",
      notifyNew: false,
    });
    const out = plan.read(await gdb.batch(plan.statements));
    expect(out.inserted).toHaveLength(101);
    expect(out.resent).toEqual([]);
    expect(usage.queries).toBeLessThanOrEqual(5);
    expect(usage.maxParams).toBeLessThanOrEqual(20);

    const stored = await signupRows(c.id);
    expect(stored).toHaveLength(102);
    expect(await signupByEmail(c.id, "import5@example.com")).toMatchObject({
      status: "confirmed",
      audience: "inside",
      consent_source: "import",
      name: "Person 5",
    });
    expect(await signupByEmail(c.id, "temp@mailinator.com")).toMatchObject({ review: "flagged" });
    // The earlier form signup keeps its row; nobody was emailed by the import.
    expect((await signupByEmail(c.id, "already@example.com"))!.consent_source).toBe("form");
    expect(await outboxRows(c.id)).toHaveLength(1);
  });

  it("writes nothing but the counter when the campaign moved on (stale cache)", async () => {
    const c = await campaignRef();
    await env.DB.prepare("UPDATE campaigns SET status = 'waitlist', version = 7 WHERE id = ?")
      .bind(c.id)
      .run();
    const plan = createSignupStatements(db, c, row("stale@example.com"), Date.now(), {
      requireOpen: true,
      expectVersion: 6,
      notifyKnown: true,
    });
    const out = plan.read(await db.batch(plan.statements));
    expect(out).toMatchObject({
      inserted: [],
      resent: [],
      campaign: { version: 7, status: "waitlist" },
    });
    expect(await signupRows(c.id)).toHaveLength(0);
  });
});

describe("creditReferralStatements (the review queue's approve reuses it)", () => {
  it("credits a flagged referral once an admin approves it, exactly once", async () => {
    const c = await campaignRef();
    const now = Date.now();
    const referrer = createSignupStatements(db, c, row("ref@example.com"), now, {
      status: "confirmed",
    });
    await db.batch(referrer.statements);
    const code = referrer.rows[0]!.referralCode;
    const flagged = createSignupStatements(
      db,
      c,
      row("friend@example.com", { referredByCode: code, review: { reason: "self_referral" } }),
      now,
      { status: "confirmed" },
    );
    await db.batch(flagged.statements);
    expect((await signupByEmail(c.id, "ref@example.com"))!.verified_referrals).toBe(0);

    const id = flagged.rows[0]!.id;
    const approve = () =>
      db.batch([
        run(db, sql`UPDATE signups SET review = 'ok', review_reason = NULL WHERE id = ${id}`),
        ...creditReferralStatements(db, id, Date.now()),
      ]);
    await approve();
    await approve();
    const ref = (await signupByEmail(c.id, "ref@example.com"))!;
    expect(ref.verified_referrals).toBe(1);
    expect(ref.score).toBe(now - 86_400_000);
    expect((await signupByEmail(c.id, "friend@example.com"))!.referral_credited_at).not.toBeNull();
  });
});
