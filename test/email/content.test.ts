/**
 * What each message carries and who gets it: suppression, unsubscribe,
 * RFC 8058 headers, branding, links rendered at send time, the log provider.
 */
import { env } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config";
import { inviteCodes, signups, suppressions } from "../../src/db/schema";
import { newId } from "../../src/db/schema/columns";
import { linksFor, unsubscribeUrl } from "../../src/email/links";
import { outboxInsert } from "../../src/email/outbox";
import { Pacer } from "../../src/email/pacing";
import { logProvider } from "../../src/email/providers/log";
import { derivePersonalCode, verifyToken } from "../../src/lib/tokens";
import {
  db,
  FakeClock,
  fakeResend,
  guardedDrain,
  outboxRow,
  resendSettings,
  type SeededSignup,
  seedCampaign,
  seedSignups,
  T0,
  uniqueKey,
} from "./helpers";

const settings = loadSettings(env);
let campaign: { id: string; slug: string };

beforeAll(async () => {
  campaign = await seedCampaign({
    senderName: 'Aurora "Studio"\r\nBcc: x@evil.example',
    replyTo: "hello@aurora.example",
  });
});

const statusLink = (p: SeededSignup, id = newId("eml")) =>
  outboxInsert(
    db,
    {
      id,
      template: "status_link",
      to: p.email,
      campaignId: campaign.id,
      signupId: p.id,
      payload: { position: 4, peopleAhead: 3 },
    },
    T0,
  );
const milestone = (p: SeededSignup, id = newId("eml")) =>
  outboxInsert(
    db,
    {
      id,
      template: "milestone",
      to: p.email,
      campaignId: campaign.id,
      signupId: p.id,
      payload: { referrals: 3, position: 2 },
    },
    T0,
  );

async function sendAll(key: string, extra: Partial<ReturnType<typeof resendSettings>> = {}) {
  return guardedDrain({
    clock: new FakeClock(T0),
    settings: resendSettings(key, extra),
    pacer: new Pacer(1000),
  });
}

describe("who gets mail", () => {
  it("a globally suppressed address gets nothing, whatever the category", async () => {
    const key = uniqueKey("suppressed");
    const [p] = await seedSignups(campaign.id, 1, { domain: "Bounced.Example" });
    await db
      .insert(suppressions)
      .values({ emailNormalized: p!.email.toLowerCase(), reason: "bounce" });
    const ids = [newId("eml"), newId("eml")];
    await db.batch([statusLink(p!, ids[0]), milestone(p!, ids[1])]);
    const r = await sendAll(key);
    expect(r.suppressed).toBeGreaterThanOrEqual(2);
    for (const id of ids) {
      expect(await outboxRow(id!)).toMatchObject({
        status: "suppressed",
        lastError: "address suppressed (bounce)",
      });
    }
    expect((await fakeResend(key).deliveries()).deliveries).toHaveLength(0);
  });

  it("list mail to an unsubscribed signup is suppressed; transactional mail still goes", async () => {
    const key = uniqueKey("unsub");
    const [p] = await seedSignups(campaign.id, 1, { unsubscribed: true });
    const [listId, txId] = [newId("eml"), newId("eml")];
    await db.batch([milestone(p!, listId), statusLink(p!, txId)]);
    await sendAll(key);
    expect(await outboxRow(listId)).toMatchObject({
      status: "suppressed",
      lastError: "unsubscribed from this campaign's list mail",
    });
    expect(await outboxRow(txId)).toMatchObject({ status: "sent" });
    const { deliveries } = await fakeResend(key).deliveries();
    expect(deliveries.map((d) => d.to)).toEqual([p!.email]);
  });

  it("an erased recipient is never mailed", async () => {
    const [p] = await seedSignups(campaign.id, 1);
    const id = newId("eml");
    await statusLink(p!, id);
    await db.run(
      // Erasure blanks the outbox row (DOMAIN.md "Erasure").
      sql`UPDATE outbox_emails SET to_email = NULL, payload = '{}', erased = 1 WHERE id = ${id}`,
    );
    await sendAll(uniqueKey("erased"));
    expect(await outboxRow(id)).toMatchObject({
      status: "suppressed",
      lastError: "recipient erased",
    });
  });
});

describe("headers and content", () => {
  it("list mail carries RFC 8058 List-Unsubscribe (+ mailto); transactional mail does not", async () => {
    const key = uniqueKey("headers");
    const [p] = await seedSignups(campaign.id, 1);
    await db.batch([milestone(p!), statusLink(p!)]);
    await sendAll(key, { EMAIL_UNSUBSCRIBE_MAILTO: "unsubscribe@presale.test" });
    const { deliveries } = await fakeResend(key).deliveries(true);
    const list = deliveries.find((d) => d.headers?.["List-Unsubscribe"]);
    const tx = deliveries.find((d) => d !== list);
    const expected = await unsubscribeUrl(settings, p!.id, 1);
    expect(list?.headers).toEqual({
      "List-Unsubscribe": expect.stringMatching(
        new RegExp(
          `^<${expected.replace(/[.?]/g, "\\$&")}>, <mailto:unsubscribe@presale\\.test\\?subject=unsubscribe%20[^>]+>$`,
        ),
      ),
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(expected).toMatch(
      /^https:\/\/presale\.test\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
    );
    expect(list?.html).toContain(expected);
    expect(tx?.headers).toBeNull();
    // Sender name from branding (header injection stripped), address from EMAIL_FROM; reply-to from branding.
    expect(list?.from).toBe('"Aurora Studio Bcc: x@evil.example" <presale@example.com>');
    expect(list?.reply_to).toBe("hello@aurora.example");
  });

  it("links are rendered at send time with the record's current token version", async () => {
    const key = uniqueKey("version");
    const [p] = await seedSignups(campaign.id, 1);
    await statusLink(p!);
    // Bumping the version after queueing: the mail must carry the new token.
    await db.update(signups).set({ tokenVersion: 5 }).where(eq(signups.id, p!.id));
    await sendAll(key);
    const [d] = (await fakeResend(key).deliveries(true)).deliveries;
    const token = d!.html!.match(/https:\/\/presale\.test\/s\/([A-Za-z0-9_.-]+)/)?.[1];
    expect(await verifyToken(settings.TOKEN_SECRET, "status", token!)).toEqual({
      id: p!.id,
      version: 5,
    });
    // The stored row never holds a link or token.
    const [row] = await db.all<{ payload: string }>(
      sql`SELECT payload FROM outbox_emails WHERE to_email = ${p!.email}`,
    );
    expect(row!.payload).not.toMatch(/https?:|\/s\//);
  });

  it("an invitation carries the personal code derived at send time", async () => {
    const key = uniqueKey("invite");
    const [p] = await seedSignups(campaign.id, 1);
    await db.insert(inviteCodes).values({
      campaignId: campaign.id,
      kind: "personal",
      signupId: p!.id,
      codeHash: newId("inv"),
      codeHint: "XXXX…XXXX",
      tokenVersion: 2,
    });
    const id = newId("eml");
    await outboxInsert(
      db,
      {
        id,
        template: "invitation",
        to: p!.email,
        campaignId: campaign.id,
        signupId: p!.id,
        payload: { expiresAt: null },
      },
      T0,
    );
    await sendAll(key);
    const { code } = await derivePersonalCode(settings.TOKEN_SECRET, campaign.id, p!.id, 2);
    const [d] = (await fakeResend(key).deliveries(true)).deliveries;
    expect(d!.text).toContain(code);
    expect(d!.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(await outboxRow(id)).toMatchObject({ status: "sent" });
  });

  it("linksFor builds every purpose under PUBLIC_URL", async () => {
    const links = await linksFor(
      settings,
      { template: "order_verify" },
      {
        campaign,
        signup: { id: "sgn_a", tokenVersion: 1, referralCode: "AB12" },
        preorder: { id: "ord_b", tokenVersion: 3 },
      },
    );
    expect(links.action).toMatch(/^https:\/\/presale\.test\/verify\//);
    expect(links.order).toMatch(/^https:\/\/presale\.test\/o\//);
    expect(links.status).toMatch(/^https:\/\/presale\.test\/s\//);
    expect(links.referral).toBe(`https://presale.test/c/${campaign.slug}?ref=AB12`);
    const verify = links.action!.split("/").at(-1)!;
    expect(await verifyToken(settings.TOKEN_SECRET, "verify", verify)).toEqual({
      id: "ord_b",
      version: 3,
    });
    const confirm = await linksFor(
      settings,
      { template: "signup_confirm" },
      { signup: { id: "sgn_a", tokenVersion: 1 } },
    );
    expect(confirm.action).toMatch(/^https:\/\/presale\.test\/confirm\//);
    const login = await linksFor(
      settings,
      { template: "login_link" },
      { loginLink: { id: "lnk_c" } },
    );
    expect(login.action).toMatch(/^https:\/\/presale\.test\/admin\/login\//);
    expect(
      await verifyToken(settings.TOKEN_SECRET, "login", login.action!.split("/").at(-1)!),
    ).toEqual({
      id: "lnk_c",
      version: 1,
    });
  });
});

describe("the log provider", () => {
  it("marks rows sent and prints one line per message with its links", async () => {
    const [p] = await seedSignups(campaign.id, 1);
    const [listId, loginId] = [newId("eml"), newId("eml")];
    await db.batch([
      milestone(p!, listId),
      outboxInsert(
        db,
        {
          id: loginId,
          template: "login_link",
          to: "owner@example.com",
          payload: { expiresMinutes: 15, loginLinkId: "lnk_dev" },
        },
        T0,
      ),
    ]);
    const lines: string[] = [];
    let writes = 0;
    await guardedDrain({
      clock: new FakeClock(T0),
      settings,
      provider: logProvider((text) => {
        writes++;
        lines.push(...text.split("\n"));
      }),
    });
    // One console write per sent group (a line per message): under wrangler dev
    // every console call is an inspector message.
    expect(lines.length).toBeGreaterThan(writes);
    expect(await outboxRow(listId)).toMatchObject({
      status: "sent",
      providerMessageId: `log_${listId}`,
    });
    expect(await outboxRow(loginId)).toMatchObject({ status: "sent" });
    const list = lines.find((l) => l.includes("milestone"));
    expect(list).toMatch(
      new RegExp(
        `^\\[email\\] milestone → ${p!.email.replace(/\./g, "\\.")}  ".+"  status: https://presale\\.test/s/\\S+  unsubscribe: https://presale\\.test/unsubscribe/\\S+$`,
      ),
    );
    expect(lines.find((l) => l.includes("login_link"))).toMatch(
      /^\[email\] login_link → owner@example\.com {2}".+" {2}action: https:\/\/presale\.test\/admin\/login\/\S+$/,
    );
  });
});
