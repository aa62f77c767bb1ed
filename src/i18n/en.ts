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

  "problem.turnstile_failed.title": "Human check failed",
  "problem.turnstile_failed.meaning":
    "The campaign asks for a Cloudflare Turnstile check, and the token sent with this request was missing, invalid, already used, or could not be verified.",
  "problem.turnstile_failed.action":
    "Complete the check again (a token works once, for five minutes) and send the request again. The reason field says which: missing, invalid, expired_or_used or unavailable.",

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

  // Waitlist signup: form errors (API messages use the English text)
  "signup.error.email_invalid": "Enter a valid email address, like name@example.com.",
  "signup.error.email_too_long": "This email address is too long.",
  "signup.error.name_invalid": "Write your name on one line, in at most 200 characters.",
  "signup.error.required": "Please answer this question.",
  "signup.error.too_long": "Please keep this to {max} characters or fewer.",
  "signup.error.invalid_choice": "Choose one of the options given.",
  "signup.error.invalid_value": "This answer is not in a form we understand.",
  "signup.error.unknown_question": "This campaign has no such question.",
  "signup.error.consent_required": "Please agree to get emails about this campaign.",
  "signup.error.unknown_field":
    "This form sent a field the sign-up does not know: “{field}”. Answers to questions are named answers[key].",
  "signup.error.invalid": "Please check this field.",
  "signup.error.summary": "Please fix the following:",
  "signup.error.closed": "This campaign is not taking sign-ups right now.",
  "signup.error.rate_limited": "Too many attempts. Please wait a moment and try again.",
  "signup.error.turnstile": "We could not check that you are human. Please try again.",
  "signup.error.generic": "Something went wrong. Please try again.",

  // Hosted landing page (/c/{slug}) and its thank-you page
  "landing.join_heading": "Join the waitlist",
  "landing.email_label": "Email address",
  "landing.email_hint": "We will email you a link to confirm your place.",
  "landing.name_label": "Your name",
  "landing.optional": "optional",
  "landing.required": "required",
  "landing.consent_label":
    "I agree to get emails about {campaign}: a link to confirm, my place in line and my invitation.",
  "landing.consent_hint": "Every email has a link to unsubscribe.",
  "landing.submit": "Join the waitlist",
  "landing.honeypot_label": "Leave this field empty",
  "landing.closed_heading": "Sign-ups are closed",
  "landing.closed_body": "{campaign} is not taking sign-ups right now. Please check back later.",
  "landing.referred": "A friend invited you to join.",
  "landing.turnstile_note":
    "This form runs a quick check that you are human, which needs JavaScript.",
  "landing.thanks_title": "Check your inbox",
  "landing.thanks_heading": "Check your inbox",
  "landing.thanks_body":
    "We have sent an email to the address you entered. Follow the link in it to see your place on the {campaign} waitlist.",
  "landing.thanks_spam":
    "Nothing after a few minutes? Check your spam folder. Signing up again with the same address sends the email again.",
  "landing.thanks_back": "Back to {campaign}",

  // Double opt-in page (/confirm/{token})
  "confirm.title": "Confirm your email",
  "confirm.heading": "Confirm your place on the {campaign} waitlist",
  "confirm.intro": "Press the button to confirm {email} and take your place in line.",
  "confirm.button": "Confirm my place",
  "confirm.prefetch_note": "Nothing happens until you press the button.",
  "confirm.already_heading": "You are already confirmed",
  "confirm.already_intro": "{email} is confirmed on the {campaign} waitlist.",
  "confirm.status_button": "See my status",

  // Pre-order page (/o/{token})
  "order.title": "Your pre-order",
  "order.heading": "Your {campaign} pre-order",
  "order.number": "Order number",
  "order.placed_at": "Placed on {date}",
  "order.status_label": "Status",
  "order.status.pending_verification": "Waiting for your email confirmation",
  "order.status.reserved": "Reserved",
  "order.status.confirmed": "Confirmed",
  "order.status.fulfilled": "Fulfilled",
  "order.status.cancelled": "Cancelled",
  "order.status.expired": "Expired",
  "order.pending_notice":
    "Check your inbox: we sent a link to {email}. Confirm it by {time} to keep this pre-order; until then the items are held for you.",
  "order.lapsed_notice":
    "This pre-order was not confirmed in time, so its items are going back on sale.",
  "order.reserved_notice": "Your items are reserved for you. We will email you when there is news.",
  "order.confirmed_notice": "Your pre-order is confirmed.",
  "order.fulfilled_notice": "Your pre-order is fulfilled. Thank you!",
  "order.cancelled_notice": "This pre-order is cancelled, and its items went back on sale.",
  "order.expired_notice":
    "This pre-order expired because the email address was not confirmed in time.",
  "order.verified_notice": "Thank you: your email is confirmed and your pre-order is reserved.",
  "order.items_heading": "What you ordered",
  "order.col_item": "Item",
  "order.col_quantity": "Quantity",
  "order.col_price": "Price",
  "order.col_total": "Total",
  "order.total": "Order total",
  "order.ship_date": "Expected to ship on {date}",
  "order.cancel_heading": "Changed your mind?",
  "order.cancel_until": "You can cancel this pre-order until {date}.",
  "order.cancel_open": "You can cancel this pre-order before it is fulfilled.",
  "order.cancel_button": "Cancel my pre-order",
  "order.cancel_done": "Your pre-order is cancelled. We have sent a confirmation to your email.",
  "order.verify_over_limit":
    "This pre-order was not confirmed: your confirmed pre-orders already hold the most this campaign allows per customer. Its units go back on sale when its hold ends.",
  "order.cancel_refused": "This pre-order can no longer be cancelled.",

  // Pre-order email check (/verify/{token})
  "verify.title": "Confirm your pre-order",
  "verify.heading": "Confirm your {campaign} pre-order",
  "verify.intro":
    "Press the button to confirm {email} and keep pre-order {order}. The items are held for you until {time}.",
  "verify.button": "Confirm my pre-order",
  "verify.prefetch_note": "Nothing happens until you press the button.",
  "verify.already_heading": "Your email is confirmed",
  "verify.already_intro": "Pre-order {order} is confirmed and reserved for you.",
  "verify.ended_heading": "This pre-order can no longer be confirmed",
  "verify.ended_intro":
    "Pre-order {order} was cancelled or not confirmed in time, and its items went back on sale.",
  "verify.order_link": "See my pre-order",

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

  // Status page (/s/{token}) and GET /v1/status
  "status.title": "Your place in line",
  "status.position": "You are number {position} in line",
  "status.people_ahead": "People ahead of you: {count}",
  "status.pending":
    "Confirm your email address to take your place in line. We have sent you a link.",
  "status.flagged":
    "Your sign-up is being checked. You will get your place in line once it is approved.",
  "status.rejected": "Your sign-up was not accepted for this waitlist.",
  "status.outside":
    "This pre-sale is open to a limited audience for now. You are on our list, and we will write if that changes.",
  "status.invited": "You are invited! Use your personal code to pre-order.",
  "status.invite_code": "Your personal invite code",
  "status.invite_status.active": "Ready to use",
  "status.invite_status.used_up": "Already used",
  "status.invite_status.expired": "Expired",
  "status.invite_status.revoked": "No longer valid",
  "status.invite_expires": "Valid until {date}",
  "status.customer": "You have a pre-order. Thank you!",
  "status.campaign": "Campaign status: {status}",
  "status.campaign_status.draft": "not public",
  "status.campaign_status.waitlist": "waitlist open",
  "status.campaign_status.presale": "pre-sale open",
  "status.campaign_status.paused": "paused",
  "status.campaign_status.closed": "closed",
  "status.share_heading": "Move up the line",
  "status.share_intro":
    "Share your link. Each friend who signs up with it and confirms moves you up by {boost}.",
  "status.share_label": "Your referral link",
  "status.copy": "Copy",
  "status.copied": "Copied",
  "status.referral_code": "Referral code: {code}",
  "status.verified_referrals": "Friends who joined through you: {count}",
  "status.codes_heading": "Invite codes to hand out",
  "status.codes_intro":
    "You have {count} codes to give to friends ({active} still unused). Each works once: copy one and send it to a friend.",
  "status.code_item": "Code {hint}: {status}",
  "status.manage_heading": "Your emails and data",
  "status.signed_up_as": "Signed up as {email}",
  "status.unsubscribe_button": "Stop emails about {campaign}",
  "status.unsubscribed_note":
    "You are unsubscribed: we send no invitations, reminders or news about {campaign}. Your invitation will show on this page, and messages about your own orders still reach you.",
  "status.delete_button": "Delete my data",
  "status.delete_intro":
    "Removes your name, email address and answers, and takes you out of the line.",

  // Self-service privacy actions on the status page
  "privacy.unsubscribe_title": "Stop emails",
  "privacy.unsubscribe_heading": "Stop emails about {campaign}?",
  "privacy.unsubscribe_body":
    "{email} will get no more invitations, reminders or news about {campaign}. You keep your place in line, your invitation will show on the status page, and messages about your own orders still reach you.",
  "privacy.unsubscribe_button": "Yes, stop emails",
  "privacy.unsubscribed_notice":
    "Done: you will get no more invitations, reminders or news about {campaign}.",
  "privacy.delete_title": "Delete your data",
  "privacy.delete_heading": "Delete your data for {campaign}?",
  "privacy.delete_body":
    "We will remove your name, email address and answers. Your place in line, your referral link and any invite code stop working. Pre-orders stay in our records for accounting, without your name, email address or details. This cannot be undone.",
  "privacy.delete_button": "Yes, delete my data",
  "privacy.cancel": "No, go back",
  "privacy.deleted_title": "Data deleted",
  "privacy.deleted_heading": "Your data was deleted",
  "privacy.deleted_body":
    "We removed your personal data for {campaign}. This link no longer works.",
  "privacy.prefetch_note": "Nothing changes until you press the button.",
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
