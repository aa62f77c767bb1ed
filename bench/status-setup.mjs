/**
 * Setup for the status lookup row (`GET /v1/status`): a campaign of its own
 * without double opt-in, so every signup made through the public API is
 * confirmed at once and in line; then the admin list gives their ids, and
 * the status tokens are derived the way the worker derives them
 * (src/lib/tokens.ts) from the bench's own TOKEN_SECRET. Requests rotate
 * through the tokens, so lookups hit people all over the line.
 */
import { createHmac } from "node:crypto";
import { requestJson } from "../scripts/lib/net.mjs";

const b64url = (buf) => Buffer.from(buf).toString("base64url");

/** deriveToken(secret, "status", id, version): payload "s.<id>.<v>" and a 128-bit HMAC. */
export function statusToken(secret, id, version = 1) {
  const mac = createHmac("sha256", secret).update(`token/v1|status|${id}|${version}`).digest();
  return `${b64url(`s.${id}.${version}`)}.${b64url(mac.subarray(0, 16))}`;
}

const must = (what, res, status) => {
  if (res.status !== status) {
    throw new Error(`${what} → HTTP ${res.status} ${res.text?.slice(0, 500) ?? ""}`);
  }
  return res.json;
};

/**
 * Creates `count` confirmed signups in a fresh campaign and returns their
 * status tokens. Signups go through the public API in parallel, each from
 * its own CF-Connecting-IP (as the load rows do).
 */
export async function seedStatusSignups(ctx, { count = 1000, parallel = 25 } = {}) {
  const run = Date.now().toString(36);
  const slug = `bench-status-${run}`;
  const campaign = must(
    "POST /v1/admin/campaigns",
    await ctx.admin("POST", "/v1/admin/campaigns", {
      slug,
      name: "Bench: status lookups",
      currency: "USD",
      double_opt_in: false,
      variants: [{ name: "One", price: 1000, stock: 100 }],
    }),
    201,
  );
  must(
    "PATCH status waitlist",
    await ctx.admin("PATCH", `/v1/admin/campaigns/${campaign.id}`, { status: "waitlist" }),
    200,
  );

  for (let start = 0; start < count; start += parallel) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + parallel); i++) {
      batch.push(
        requestJson(`${ctx.baseUrl}/v1/campaigns/${slug}/signups`, {
          method: "POST",
          headers: {
            accept: "application/json",
            "cf-connecting-ip": `172.16.${(i >> 8) & 255}.${i & 255}`,
          },
          body: { email: `status-${run}-${i}@example.com`, consent: true },
        }).then((res) => must(`POST signup ${i}`, res, 202)),
      );
    }
    await Promise.all(batch);
  }

  const ids = [];
  let cursor;
  do {
    const page = must(
      "GET signups",
      await ctx.admin(
        "GET",
        `/v1/admin/campaigns/${campaign.id}/signups?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
      ),
      200,
    );
    ids.push(...page.items.map((s) => s.id));
    cursor = page.next_cursor;
  } while (cursor);
  if (ids.length < count) throw new Error(`expected ${count} signups, the list has ${ids.length}`);

  const tokens = ids.map((id) => statusToken(ctx.tokenSecret, id));
  // One real lookup before the load, so a broken setup fails loudly instead of as non-2xx.
  must(
    "GET /v1/status",
    await requestJson(`${ctx.baseUrl}/v1/status`, {
      headers: { authorization: `Bearer ${tokens[0]}` },
    }),
    200,
  );
  return { tokens };
}
