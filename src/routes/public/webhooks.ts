import { createRoute, z } from "@hono/zod-openapi";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { interpretResendEvent, recordProviderEvent } from "../../domain/suppressions";
import { AppError } from "../../lib/errors";
import { log } from "../../lib/log";
import { createRouter } from "../../lib/router";
import { errorResponses } from "../openapi-common";

/**
 * POST /webhooks/resend: Resend's events, signed by Svix (the Standard
 * Webhooks scheme: `v1,` base64 HMAC-SHA256 of `${svix-id}.${svix-timestamp}.${body}`
 * under the base64 key after `whsec_`). Verified with the `standardwebhooks`
 * package the resend SDK itself uses, over the raw body bytes, with its
 * 5-minute tolerance both ways. Nothing is parsed or written before the
 * signature checks out.
 *
 * This route reads the raw body itself instead of through c.req.valid(): a
 * signature is over exact bytes, and a missing or bad signature must be 401,
 * not a 422 from a schema.
 * @see https://resend.com/docs/dashboard/webhooks/verify-webhooks-requests
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */

/** Resend's events are a few KB; anything near this is not one of them. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

/** Stored as webhook_events' primary key: bounded, printable ASCII. */
const SVIX_ID = /^[\x21-\x7e]{1,128}$/;
/** Unix seconds, digits only (the library's parseInt would accept `123abc`). */
const SVIX_TIMESTAMP = /^[0-9]{1,12}$/;

const forged = () =>
  new AppError("unauthorized", {
    detail: "The webhook signature is missing, invalid or outside the 5-minute window",
  });

/** One verifier per secret per isolate (decoding the key is not free). */
let verifier: { secret: string; webhook: Webhook } | null = null;
function webhookFor(secret: string): Webhook {
  if (verifier?.secret !== secret) {
    try {
      verifier = { secret, webhook: new Webhook(secret) };
    } catch {
      log("error", "RESEND_WEBHOOK_SECRET is not a valid whsec_ secret", {});
      throw new AppError("misconfigured");
    }
  }
  return verifier.webhook;
}

/** The body as text, refusing more than `max` bytes whatever Content-Length claims. */
async function readRawBody(req: Request, max: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new AppError("payload_too_large", { detail: `The body must be at most ${max} bytes` });
  if (declared > max) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  // Not fatal: invalid UTF-8 changes the text, so the signature fails (401).
  return new TextDecoder().decode(bytes);
}

const resendWebhook = createRoute({
  method: "post",
  path: "/webhooks/resend",
  tags: ["Webhooks"],
  summary: "Resend delivery events (Svix-signed): bounces and complaints suppress the address",
  description:
    "Headers `svix-id`, `svix-timestamp`, `svix-signature`; the body is Resend's event JSON. Refused with 401 when the signature is missing, wrong or more than 5 minutes off. A redelivered event (same `svix-id`) is acknowledged and not processed again. `email.bounced` (hard) and `email.complained` suppress the recipient everywhere and mark their queued outbox rows `suppressed`; other events are recorded only. 503 while `RESEND_WEBHOOK_SECRET` is not set.",
  responses: {
    200: {
      description: "Accepted (or already processed)",
      content: {
        "application/json": {
          schema: z.object({
            received: z.literal(true),
            duplicate: z.boolean(),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 413),
    503: {
      description: "RESEND_WEBHOOK_SECRET is not configured",
      content: errorResponses(401)[401].content,
    },
  },
});

export const webhooksRouter = createRouter().openapi(resendWebhook, async (c) => {
  const secret = c.get("settings").RESEND_WEBHOOK_SECRET;
  if (!secret) {
    throw new AppError("service_unavailable", {
      detail: "Webhooks are not configured on this server (RESEND_WEBHOOK_SECRET)",
    });
  }
  const webhook = webhookFor(secret);
  const raw = await readRawBody(c.req.raw, MAX_WEBHOOK_BYTES);

  const id = c.req.header("svix-id") ?? "";
  const timestamp = c.req.header("svix-timestamp") ?? "";
  const signature = c.req.header("svix-signature") ?? "";
  if (!SVIX_ID.test(id) || !SVIX_TIMESTAMP.test(timestamp) || !signature) throw forged();
  try {
    webhook.verify(
      raw,
      { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature },
      { jsonParse: false },
    );
  } catch (e) {
    if (e instanceof WebhookVerificationError) throw forged();
    throw e;
  }

  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new AppError("malformed_body", { detail: "The event body is not JSON" });
  }
  const event = interpretResendEvent(id, body);
  const result = await recordProviderEvent(c.get("db"), event);
  log("info", "resend webhook", {
    request_id: c.get("requestId"),
    type: event.type,
    duplicate: result.duplicate,
    suppressed: result.suppressed,
  });
  return c.json({ received: true as const, duplicate: result.duplicate }, 200);
});
