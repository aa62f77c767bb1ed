import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { outboxEmails } from "../../src/db/schema";
import worker from "../../src/index";
import { BASE, call, expectProblem } from "../helpers/client";
import { guardD1 } from "../helpers/d1-guard";

/** A Svix-style secret: `whsec_` + base64 of random key bytes. */
const KEY = crypto.getRandomValues(new Uint8Array(24));
const SECRET = `whsec_${btoa(String.fromCharCode(...KEY))}`;
const db = createDb(env.DB);
let n = 0;

/** Through the real worker (D1 limits guard on), with the webhook secret configured. */
async function post(body: string, headers: Record<string, string>, secret: string | null = SECRET) {
  const req = new Request(new URL("/webhooks/resend", BASE), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
  const { db: guarded } = guardD1(env.DB);
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    req,
    { ...env, DB: guarded, ...(secret === null ? {} : { RESEND_WEBHOOK_SECRET: secret }) },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/** The signature Svix sends: v1,base64(HMAC-SHA256(key, `${id}.${ts}.${body}`)), key = base64-decoded part after whsec_. */
async function sign(id: string, timestamp: number, body: string, key: Uint8Array = KEY) {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(`${id}.${timestamp}.${body}`)),
  );
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}

const nowSec = () => Math.floor(Date.now() / 1000);
const newSvixId = () => `msg_${Date.now().toString(36)}${++n}test`;

async function signedHeaders(
  body: string,
  opts: { id?: string; ts?: number; key?: Uint8Array } = {},
) {
  const id = opts.id ?? newSvixId();
  const ts = opts.ts ?? nowSec();
  return {
    "svix-id": id,
    "svix-timestamp": String(ts),
    "svix-signature": await sign(id, ts, body, opts.key),
  };
}

const bounce = (to: string, bounceType = "Permanent") =>
  JSON.stringify({
    type: "email.bounced",
    created_at: new Date().toISOString(),
    data: {
      email_id: crypto.randomUUID(),
      from: "Presale <presale@example.com>",
      to: [to],
      subject: "You're invited",
      bounce: { type: bounceType, subType: "General", message: "550 5.1.1 user unknown" },
    },
  });

const complaint = (to: string) =>
  JSON.stringify({
    type: "email.complained",
    created_at: new Date().toISOString(),
    data: { email_id: crypto.randomUUID(), to: [to], subject: "News" },
  });

async function suppression(email: string) {
  return env.DB.prepare(
    "SELECT reason, source_event_id, note FROM suppressions WHERE email_normalized = ?",
  )
    .bind(email)
    .first<{ reason: string; source_event_id: string | null; note: string | null }>();
}

async function counts() {
  const q = (sql: string) =>
    env.DB.prepare(sql)
      .first<{ n: number }>()
      .then((r) => r?.n ?? 0);
  return {
    events: await q("SELECT count(*) AS n FROM webhook_events"),
    suppressions: await q("SELECT count(*) AS n FROM suppressions"),
    suppressedRows: await q("SELECT count(*) AS n FROM outbox_emails WHERE status = 'suppressed'"),
  };
}

async function queue(to: string, status: "queued" | "sent" | "failed" = "queued") {
  const [row] = await db
    .insert(outboxEmails)
    .values({ template: "invitation", category: "list", toEmail: to, status })
    .returning({ id: outboxEmails.id });
  return row!.id;
}

const outboxRow = (id: string) =>
  env.DB.prepare("SELECT status, last_error FROM outbox_emails WHERE id = ?")
    .bind(id)
    .first<{ status: string; last_error: string | null }>();

describe("POST /webhooks/resend: verified events", () => {
  it("a signed hard bounce suppresses the address and its queued mail, with the reason", async () => {
    const queued = await queue("Bounce.Me@Example.com");
    const transactional = await db
      .insert(outboxEmails)
      .values({
        template: "order_receipt",
        category: "transactional",
        toEmail: "bounce.me@example.com",
      })
      .returning({ id: outboxEmails.id });
    const sent = await queue("bounce.me@example.com", "sent");
    const other = await queue("someone.else@example.com");

    const body = bounce("Bounce.Me <Bounce.Me@Example.com>");
    const headers = await signedHeaders(body);
    const res = await post(body, headers);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false });

    const sup = await suppression("bounce.me@example.com");
    expect(sup).toMatchObject({ reason: "bounce", source_event_id: headers["svix-id"] });
    expect(sup?.note).toContain("550 5.1.1");

    // Bounces stop everything queued to the address, transactional included.
    for (const id of [queued, transactional[0]!.id]) {
      const row = await outboxRow(id);
      expect(row?.status).toBe("suppressed");
      expect(row?.last_error).toMatch(/hard-bounced/);
    }
    expect((await outboxRow(sent))?.status).toBe("sent");
    expect((await outboxRow(other))?.status).toBe("queued");
  });

  it("a complaint suppresses too", async () => {
    const body = complaint("angry@example.com");
    const res = await post(body, await signedHeaders(body));
    expect(res.status).toBe(200);
    expect((await suppression("angry@example.com"))?.reason).toBe("complaint");
  });

  it("other events are recorded and acknowledged, changing nothing else", async () => {
    const before = await counts();
    for (const type of ["email.delivered", "email.opened", "contact.created"]) {
      const body = JSON.stringify({ type, data: { to: ["fine@example.com"] } });
      const headers = await signedHeaders(body);
      expect((await post(body, headers)).status).toBe(200);
      const row = await env.DB.prepare("SELECT type FROM webhook_events WHERE svix_id = ?")
        .bind(headers["svix-id"])
        .first<{ type: string }>();
      expect(row?.type).toBe(type);
    }
    const after = await counts();
    expect(after.events).toBe(before.events + 3);
    expect(after.suppressions).toBe(before.suppressions);
  });

  it("a soft (Transient) bounce is recorded but does not suppress", async () => {
    const body = bounce("soft@example.com", "Transient");
    expect((await post(body, await signedHeaders(body))).status).toBe(200);
    expect(await suppression("soft@example.com")).toBeNull();
  });

  it("a redelivered event (same svix-id) is processed once and still answers 200", async () => {
    const body = bounce("twice@example.com");
    const headers = await signedHeaders(body);
    expect(await (await post(body, headers)).json()).toEqual({ received: true, duplicate: false });
    // An admin lifts the suppression; a redelivery of the old event must not bring it back.
    await env.DB.prepare(
      "DELETE FROM suppressions WHERE email_normalized = 'twice@example.com'",
    ).run();
    const queued = await queue("twice@example.com");
    const again = await post(body, await signedHeaders(body, { id: headers["svix-id"] }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(await suppression("twice@example.com")).toBeNull();
    expect((await outboxRow(queued))?.status).toBe("queued");
    const events = await env.DB.prepare(
      "SELECT count(*) AS n FROM webhook_events WHERE svix_id = ?",
    )
      .bind(headers["svix-id"])
      .first<{ n: number }>();
    expect(events?.n).toBe(1);
  });

  it("a bounce for an address already suppressed keeps the first reason", async () => {
    const c = complaint("first@example.com");
    await post(c, await signedHeaders(c));
    const b = bounce("first@example.com");
    expect((await post(b, await signedHeaders(b))).status).toBe(200);
    expect((await suppression("first@example.com"))?.reason).toBe("complaint");
  });

  it("accepts a timestamp within 5 minutes either way", async () => {
    for (const skew of [-280, 280]) {
      const body = JSON.stringify({ type: "email.sent", data: {} });
      const res = await post(body, await signedHeaders(body, { ts: nowSec() + skew }));
      expect(res.status).toBe(200);
    }
  });
});

describe("POST /webhooks/resend: refused", () => {
  async function expectRefused(body: string, headers: Record<string, string>) {
    const before = await counts();
    await expectProblem(post(body, headers), 401, "unauthorized");
    expect(await counts()).toEqual(before);
  }

  it("forged signature (another key)", async () => {
    const body = bounce("victim@example.com");
    const otherKey = crypto.getRandomValues(new Uint8Array(24));
    await expectRefused(body, await signedHeaders(body, { key: otherKey }));
    expect(await suppression("victim@example.com")).toBeNull();
  });

  it("altered body (signed one address, sent another)", async () => {
    const signedBody = bounce("someone@example.com");
    const headers = await signedHeaders(signedBody);
    await expectRefused(signedBody.replace("someone@", "victim@"), headers);
    await expectRefused(`${signedBody} `, headers);
  });

  it("altered id or timestamp", async () => {
    const body = bounce("victim@example.com");
    const headers = await signedHeaders(body);
    await expectRefused(body, { ...headers, "svix-id": `${headers["svix-id"]}x` });
    await expectRefused(body, {
      ...headers,
      "svix-timestamp": String(Number(headers["svix-timestamp"]) + 1),
    });
  });

  it("stale or future timestamp beyond 5 minutes, even correctly signed", async () => {
    const body = bounce("victim@example.com");
    await expectRefused(body, await signedHeaders(body, { ts: nowSec() - 301 }));
    await expectRefused(body, await signedHeaders(body, { ts: nowSec() + 301 }));
    await expectRefused(body, await signedHeaders(body, { ts: nowSec() - 86_400 }));
  });

  it("missing or malformed headers", async () => {
    const body = bounce("victim@example.com");
    const headers = await signedHeaders(body);
    await expectRefused(body, {});
    for (const name of ["svix-id", "svix-timestamp", "svix-signature"] as const) {
      const { [name]: _, ...rest } = headers;
      await expectRefused(body, rest);
    }
    await expectRefused(body, { ...headers, "svix-signature": "v1,not-base64!!" });
    await expectRefused(body, {
      ...headers,
      "svix-signature": headers["svix-signature"].replace("v1,", "v2,"),
    });
    await expectRefused(body, { ...headers, "svix-timestamp": `${headers["svix-timestamp"]}abc` });
  });

  it("503 when RESEND_WEBHOOK_SECRET is not set, before anything is read", async () => {
    const body = bounce("victim@example.com");
    const headers = await signedHeaders(body);
    const before = await counts();
    await expectProblem(post(body, headers, null), 503, "service_unavailable");
    await expectProblem(
      call("/webhooks/resend", { method: "POST", headers, body }),
      503,
      "service_unavailable",
    );
    expect(await counts()).toEqual(before);
  });

  it("413 for a body over 256 KB, with or without Content-Length", async () => {
    const big = JSON.stringify({ type: "email.sent", pad: "x".repeat(300 * 1024) });
    const headers = await signedHeaders(big);
    await expectProblem(post(big, headers), 413, "payload_too_large");
    // Streamed (no Content-Length): still counted.
    const stream = new Blob([big]).stream();
    const req = new Request(new URL("/webhooks/resend", BASE), {
      method: "POST",
      headers,
      body: stream,
      // @ts-expect-error workerd accepts duplex for streamed bodies
      duplex: "half",
    });
    const ctx = createExecutionContext();
    const res = await worker.fetch(req, { ...env, RESEND_WEBHOOK_SECRET: SECRET }, ctx);
    await waitOnExecutionContext(ctx);
    await expectProblem(res, 413, "payload_too_large");
  });

  it("a correctly signed body that is not JSON is 400 and records nothing", async () => {
    const body = "not json";
    const before = await counts();
    await expectProblem(post(body, await signedHeaders(body)), 400, "malformed_body");
    expect(await counts()).toEqual(before);
  });

  it("a GET is not a webhook: 405, and Allow says POST", async () => {
    const res = await call("/webhooks/resend");
    await expectProblem(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("POST");
  });
});
