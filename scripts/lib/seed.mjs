/**
 * Seeds the demo campaign through the admin API, the way an owner would:
 * create (draft) → publish (waitlist) → open the presale.
 */
import { requestJson } from "./net.mjs";

export const DEMO_SLUG = "demo";

/** The demo campaign: presale, open to all, double opt-in, two variants, one question. */
export function demoCampaign({ allowedOrigins = [] } = {}) {
  return {
    slug: DEMO_SLUG,
    name: "Aurora desk lamp — first batch",
    description:
      "A warm, dimmable desk lamp made in a small first batch. Join the waitlist, invite friends to move up, and pre-order before the batch is gone.",
    currency: "USD",
    default_locale: "en",
    invite_only: false,
    double_opt_in: true,
    ...(allowedOrigins.length > 0 ? { allowed_origins: allowedOrigins } : {}),
    variants: [
      { name: "Founders edition (walnut)", price: 8900, stock: 50, per_customer_limit: 1 },
      { name: "Standard (oak)", price: 6900, stock: 200, per_customer_limit: 3 },
    ],
    questions: [
      {
        key: "use",
        label: { en: "Where will you use it?", uz: "Uni qayerda ishlatasiz?" },
        type: "single_choice",
        required: false,
        options: [
          { value: "desk", label: { en: "At my desk", uz: "Ish stolimda" } },
          { value: "study", label: { en: "For studying", uz: "O'qish uchun" } },
          { value: "gift", label: { en: "As a gift", uz: "Sovg'a sifatida" } },
        ],
      },
    ],
  };
}

class SeedError extends Error {
  constructor(step, res) {
    const body = res.json ? JSON.stringify(res.json, null, 2) : res.text.slice(0, 2000);
    super(`${step} → HTTP ${res.status}${body ? `\n${body}` : ""}`);
    this.status = res.status;
  }
}

/** Finds a campaign by slug in the admin list (following a few pages). */
async function findBySlug(api, slug) {
  let cursor;
  for (let page = 0; page < 20; page++) {
    const res = await api(
      "GET",
      `/v1/admin/campaigns?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
    );
    if (res.status !== 200) throw new SeedError("GET /v1/admin/campaigns", res);
    const hit = res.json?.items?.find((c) => c.slug === slug);
    if (hit) return hit;
    cursor = res.json?.next_cursor;
    if (!cursor) return undefined;
  }
  return undefined;
}

/**
 * Adds `origins` to the campaign's allowed origins when missing (the demo site
 * may run on another port than when the campaign was seeded). Best effort.
 */
async function allowOrigins(api, id, origins, log) {
  if (origins.length === 0) return;
  const res = await api("GET", `/v1/admin/campaigns/${id}`);
  const current = res.json?.allowed_origins;
  if (res.status !== 200 || !Array.isArray(current)) return;
  const missing = origins.filter((o) => !current.includes(o));
  if (missing.length === 0) return;
  const patch = await api("PATCH", `/v1/admin/campaigns/${id}`, {
    allowed_origins: [...current, ...missing],
  });
  if (patch.status === 200) log(`allowed origin ${missing.join(", ")} added`);
  else log(`could not add allowed origin ${missing.join(", ")}: HTTP ${patch.status}`);
}

/**
 * Creates the demo campaign if `GET /v1/campaigns/demo` is 404, and moves it to
 * `presale`; an existing one gets `allowedOrigins` added when missing. Resolves { outcome: "present" | "created" | "failed", message };
 * never throws (a failed seed must not stop the dev server).
 */
export async function seedDemo({ baseUrl, adminToken, allowedOrigins = [], log = console.log }) {
  const api = (method, path, body) =>
    requestJson(`${baseUrl}${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${adminToken}`, accept: "application/json" },
    });
  try {
    const pub = await requestJson(`${baseUrl}/v1/campaigns/${DEMO_SLUG}`);
    if (pub.status === 200) {
      await allowOrigins(api, pub.json.id, allowedOrigins, log);
      return { outcome: "present", message: `campaign "${DEMO_SLUG}" is ${pub.json?.status}` };
    }
    if (pub.status !== 404) throw new SeedError(`GET /v1/campaigns/${DEMO_SLUG}`, pub);

    let campaign;
    const created = await api("POST", "/v1/admin/campaigns", demoCampaign({ allowedOrigins }));
    if (created.status === 201) {
      campaign = created.json;
      log(`created campaign "${DEMO_SLUG}" (${campaign.id})`);
    } else if (created.status === 409) {
      // Left unpublished by an earlier, interrupted seed: finish the job.
      campaign = await findBySlug(api, DEMO_SLUG);
      if (!campaign) throw new SeedError("POST /v1/admin/campaigns", created);
      log(`campaign "${DEMO_SLUG}" exists as ${campaign.status}; publishing it`);
    } else {
      throw new SeedError("POST /v1/admin/campaigns", created);
    }

    const steps = { draft: "waitlist", waitlist: "presale" };
    let status = campaign.status ?? "draft";
    for (let next = steps[status]; next; next = steps[status]) {
      const step = `PATCH /v1/admin/campaigns/${campaign.id} {status: ${next}}`;
      const res = await api("PATCH", `/v1/admin/campaigns/${campaign.id}`, { status: next });
      if (res.status !== 200 || (res.json?.status ?? next) !== next) throw new SeedError(step, res);
      status = next;
    }
    return { outcome: "created", message: `campaign "${DEMO_SLUG}" is ${status}` };
  } catch (err) {
    return { outcome: "failed", message: err instanceof Error ? err.message : String(err) };
  }
}
