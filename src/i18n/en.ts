/**
 * English messages: the reference catalogue. Every key here must also be in
 * `uz.ts` (the type there enforces it) with the same `{param}` placeholders
 * (test/lib/i18n.test.ts checks that).
 *
 * Keys are flat and dotted: `<area>.<thing>`. Add keys for your feature under
 * its own prefix (e.g. `signup.*`, `status.*`, `order.*`, `email.*`, `admin.*`).
 *
 * Every code in `problemCatalog` (src/lib/errors.ts) needs three keys here and
 * in uz.ts: `problem.<code>.title`, `problem.<code>.meaning`,
 * `problem.<code>.action` — the problem pages use them and `npm run typecheck`
 * fails until they exist.
 */
export const en = {
  // Page chrome
  "chrome.skip_to_content": "Skip to main content",
  "chrome.language": "Language",
  "chrome.site_name": "Presale",
  "chrome.page_title": "{title} · Presale",

  // Problem pages (/problems/{code})
  "problem.page.status": "HTTP status {status}",
  "problem.page.code": "Error code",
  "problem.page.meaning": "What it means",
  "problem.page.action": "What to do",
  "problem.page.about":
    "Presale reports errors as problem details (RFC 9457, application/problem+json). The code field is stable: match on it, not on the title. The instance field is the request id to quote when asking for help.",
  "problem.page.all_codes": "All error codes",
  "problem.index.title": "Error codes",
  "problem.index.intro":
    "Every error from the Presale API carries one of these codes. Open one to see what it means and what to do.",

  "problem.malformed_body.title": "Malformed request body",
  "problem.malformed_body.meaning":
    "The request body could not be read: it is not valid JSON or form data, or it is empty where a body is required.",
  "problem.malformed_body.action":
    "Send a well-formed body that matches the Content-Type header, then try again.",

  "problem.bad_request.title": "Bad request",
  "problem.bad_request.meaning":
    "The request is missing something the server needs, or combines options that do not go together.",
  "problem.bad_request.action":
    "Read the detail and errors fields of the response, fix the request and send it again.",

  "problem.idempotency_key_required.title": "Idempotency-Key header required",
  "problem.idempotency_key_required.meaning":
    "Placing a pre-order needs an Idempotency-Key header, so that a retried request can never create a second order.",
  "problem.idempotency_key_required.action":
    "Generate a random key (a UUID, for example) once per order attempt, send it in the Idempotency-Key header, and send the same key again when you retry.",

  "problem.unauthorized.title": "Authentication required",
  "problem.unauthorized.meaning":
    "The request carries no credentials, or the token, key or link it carries is not valid (any more).",
  "problem.unauthorized.action":
    "Send Authorization: Bearer with a valid admin token, API key or customer link token. If you came from a link in an email, ask for a fresh one.",

  "problem.forbidden.title": "Not allowed for this role",
  "problem.forbidden.meaning": "You are signed in, but your role does not allow this action.",
  "problem.forbidden.action":
    "Ask an owner for a role that allows it, or use an API key that has such a role.",

  "problem.origin_not_allowed.title": "Origin not allowed",
  "problem.origin_not_allowed.meaning":
    "The request came from a website (its Origin header) that is not on this campaign's list of allowed origins.",
  "problem.origin_not_allowed.action":
    "Add the site's origin (scheme, host and port, such as https://shop.example.com) to the campaign's allowed origins in the dashboard, or send the form from a site that is already allowed.",

  "problem.invite_required.title": "An invite is required",
  "problem.invite_required.meaning":
    "This pre-sale is invite-only, and the request has no valid invite for this email address.",
  "problem.invite_required.action":
    "Use the invite code from your invitation email. If you have none yet, join the waitlist: invites go out in waves.",

  "problem.csrf_failed.title": "CSRF check failed",
  "problem.csrf_failed.meaning":
    "A dashboard form was sent without a valid CSRF token, or from another site.",
  "problem.csrf_failed.action":
    "Reload the dashboard page and send the form again. If it keeps happening, sign in again.",

  "problem.not_found.title": "Not found",
  "problem.not_found.meaning": "There is nothing at this address, or it is not visible to you.",
  "problem.not_found.action":
    "Check the address or id. Links in emails can be replaced by newer ones, so use the most recent email.",

  "problem.method_not_allowed.title": "Method not allowed",
  "problem.method_not_allowed.meaning": "The address exists, but not for this HTTP method.",
  "problem.method_not_allowed.action":
    "See the API reference at /docs for the methods this address accepts.",

  "problem.conflict.title": "Conflict with the current state",
  "problem.conflict.meaning":
    "The request does not fit the current state of the record, for example deleting a campaign that is no longer a draft.",
  "problem.conflict.action":
    "Fetch the record again, check its status, and retry only with a change that fits that status.",

  "problem.campaign_closed.title": "The campaign does not allow this now",
  "problem.campaign_closed.meaning":
    "The campaign does not accept this right now: it may not be open yet, or it may be paused or closed.",
  "problem.campaign_closed.action":
    "Check the campaign's status and dates. Join the waitlist to hear when it opens.",

  "problem.sold_out.title": "Sold out",
  "problem.sold_out.meaning": "Not enough units are left of a variant in the order.",
  "problem.sold_out.action":
    "Order fewer units or choose another variant. Units can come back when other orders are cancelled.",

  "problem.limit_exceeded.title": "Limit exceeded",
  "problem.limit_exceeded.meaning":
    "The order goes over a limit: the most one customer may buy of a variant, or the uses left on an invite code.",
  "problem.limit_exceeded.action": "Order fewer units. The response says which limit was reached.",

  "problem.idempotency_in_flight.title": "A request with this key is still running",
  "problem.idempotency_in_flight.meaning":
    "A request with the same Idempotency-Key is still being processed.",
  "problem.idempotency_in_flight.action":
    "Wait a moment and retry with the same key; you will then get the stored result of the first request.",

  "problem.payload_too_large.title": "Request body too large",
  "problem.payload_too_large.meaning": "The request body is larger than this address accepts.",
  "problem.payload_too_large.action":
    "Send a smaller body. Split large imports into several smaller ones.",

  "problem.unsupported_media_type.title": "Unsupported content type",
  "problem.unsupported_media_type.meaning":
    "The request's Content-Type is not one that this address reads.",
  "problem.unsupported_media_type.action":
    "Send application/json (or application/x-www-form-urlencoded where a form is accepted) with a matching Content-Type header.",

  "problem.validation_failed.title": "Validation failed",
  "problem.validation_failed.meaning": "The body was read, but some fields are missing or invalid.",
  "problem.validation_failed.action":
    "Fix each field listed in errors (path and message) and send the request again.",

  "problem.idempotency_key_reused.title": "Idempotency-Key reused with another body",
  "problem.idempotency_key_reused.meaning":
    "This Idempotency-Key was already used for a request with a different body.",
  "problem.idempotency_key_reused.action":
    "Use a new key for a new order. Reuse a key only to retry exactly the same request.",

  "problem.rate_limited.title": "Too many requests",
  "problem.rate_limited.meaning": "Too many requests came from you in a short time.",
  "problem.rate_limited.action":
    "Wait the number of seconds given in the Retry-After header, then try again.",

  "problem.internal_error.title": "Internal error",
  "problem.internal_error.meaning":
    "Something went wrong on our side. The details are in our logs, not in the response.",
  "problem.internal_error.action":
    "Try again in a little while. If it keeps failing, contact support and quote the instance id from the response.",

  "problem.misconfigured.title": "Server misconfigured",
  "problem.misconfigured.meaning":
    "The server is missing a setting it needs, so it cannot handle the request.",
  "problem.misconfigured.action":
    "If you run this server, compare its settings (vars and secrets) with the README; the log names the setting. Otherwise, try again later.",

  "problem.service_unavailable.title": "Service unavailable",
  "problem.service_unavailable.meaning":
    "A service this request depends on is not available right now.",
  "problem.service_unavailable.action":
    "Try again shortly. If the response has a Retry-After header, wait that long first.",

  // API docs page (/docs)
  "docs.title": "API reference",
  "docs.intro": "The OpenAPI 3.1 document for this server:",
  "docs.errors": "Error codes and what to do about them:",
  "docs.noscript":
    "The interactive reference needs JavaScript. You can still read the OpenAPI document directly:",

  // Unsubscribe page (/unsubscribe/{token})
  "unsubscribe.title": "Unsubscribe",
  "unsubscribe.heading": "Unsubscribe from {campaign}?",
  "unsubscribe.intro":
    "{email} will no longer get invitations, reminders or news about {campaign}.",
  "unsubscribe.transactional_note":
    "Messages about your own sign-up and pre-orders (confirmations, receipts, changes to an order) still reach you.",
  "unsubscribe.button": "Unsubscribe",
  "unsubscribe.prefetch_note": "Nothing changes until you press the button.",
  "unsubscribe.done_title": "Unsubscribed",
  "unsubscribe.done_heading": "You are unsubscribed",
  "unsubscribe.done_body":
    "{email} will get no more invitations, reminders or news about {campaign}.",
  "unsubscribe.already_heading": "You are already unsubscribed",
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
