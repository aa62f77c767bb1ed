import type { Context } from "hono";
import { formatDateTime, formatDuration } from "../../emails/format";
import type { SignupStatus } from "../domain/signups/status";
import { type Locale, type Translate, translator } from "../i18n";
import { LanguageSwitcher, Layout, renderPage } from "./layout";

/**
 * The status page `/s/{token}` and its privacy steps. Every page here carries
 * the token in its path, so all go out with `Referrer-Policy: no-referrer`
 * and `no-store` (renderPage's noReferrer). Forms post to `/s/{token}/…`;
 * the first post of each shows a confirm page, only the second (with
 * `confirm=yes`) acts. No inline script: the copy button is
 * public/assets/copy.js, and without JavaScript the link stays selectable.
 * @see ../../../shared/CONTRACT.md "Customer tokens"
 */

export const COPY_SCRIPT_URL = "/assets/copy.js?v=1";

interface Base {
  locale: Locale;
  /** `/s/{token}`: the page's path, for the language switcher and the forms. */
  path: string;
}

/** A form action under the token path that keeps the chosen language. */
const action = (p: Base, step: "unsubscribe" | "delete") => `${p.path}/${step}?locale=${p.locale}`;

export interface StatusPageProps extends Base {
  status: SignupStatus;
  /** Masked address (maskEmail). */
  email: string;
  notice?: "unsubscribed";
}

function StandingText(props: { s: SignupStatus; tr: Translate }) {
  const { s, tr } = props;
  if (s.stage === "customer") return <p class="notice notice-success">{tr("status.customer")}</p>;
  if (s.stage === "invited") return <p class="notice notice-success">{tr("status.invited")}</p>;
  if (s.stage === "pending") return <p class="notice">{tr("status.pending")}</p>;
  if (s.review === "rejected") return <p class="notice">{tr("status.rejected")}</p>;
  if (s.review === "flagged") return <p class="notice">{tr("status.flagged")}</p>;
  if (s.audience === "outside_audience") return <p class="notice">{tr("status.outside")}</p>;
  return null;
}

export function StatusPage(props: StatusPageProps) {
  const { status: s, locale } = props;
  const tr = translator(locale);
  const campaign = s.campaign.name;
  return (
    <Layout
      locale={locale}
      title={tr("status.title")}
      accent={s.campaign.accent}
      noIndex
      head={<script src={COPY_SCRIPT_URL} defer />}
      header={<LanguageSwitcher locale={locale} path={props.path} />}
    >
      <h1>{campaign}</h1>
      {props.notice === "unsubscribed" ? (
        <p class="notice notice-success" role="status">
          {tr("privacy.unsubscribed_notice", { campaign })}
        </p>
      ) : null}

      {s.position !== null ? (
        <section class="card" aria-labelledby="place">
          <h2 id="place" class="position">
            {tr("status.position", { position: s.position })}
          </h2>
          <p>{tr("status.people_ahead", { count: s.peopleAhead ?? 0 })}</p>
        </section>
      ) : (
        <StandingText s={s} tr={tr} />
      )}

      {s.invite ? (
        <section class="card">
          <h2>{tr("status.invite_code")}</h2>
          <p>
            <code class="invite-code">{s.invite.code}</code>
          </p>
          <p>{tr(`status.invite_status.${s.invite.status}`)}</p>
          {s.invite.expiresAt !== null && s.invite.status === "active" ? (
            <p class="muted">
              {tr("status.invite_expires", {
                date: formatDateTime(new Date(s.invite.expiresAt).toISOString(), locale),
              })}
            </p>
          ) : null}
        </section>
      ) : null}

      {s.referralUrl ? (
        <section aria-labelledby="share">
          <h2 id="share">{tr("status.share_heading")}</h2>
          <p>
            {tr("status.share_intro", {
              boost: formatDuration(s.campaign.referralBoostMs / 60_000, locale),
            })}
          </p>
          <div class="field">
            <label for="referral-link">{tr("status.share_label")}</label>
            <input id="referral-link" type="url" readonly value={s.referralUrl} />
            <button
              type="button"
              class="btn btn-secondary"
              data-copy="#referral-link"
              data-copied={tr("status.copied")}
              hidden
            >
              {tr("status.copy")}
            </button>
          </div>
          <p class="muted">{tr("status.referral_code", { code: s.referralCode ?? "" })}</p>
        </section>
      ) : null}
      {s.stage !== "pending" ? (
        <p>{tr("status.verified_referrals", { count: s.verifiedReferrals })}</p>
      ) : null}

      {s.sharedCodes.length > 0 ? (
        <section aria-labelledby="codes">
          <h2 id="codes">{tr("status.codes_heading")}</h2>
          <p>
            {tr("status.codes_intro", {
              count: s.sharedCodes.length,
              active: s.sharedCodes.filter((c) => c.status === "active").length,
            })}
          </p>
          <ul class="share-codes">
            {s.sharedCodes.map((c, i) => (
              <li class="field">
                <label for={`share-code-${i}`}>
                  {tr("status.code_item", {
                    hint: c.hint,
                    status: tr(`status.invite_status.${c.status}`),
                  })}
                </label>
                <input
                  id={`share-code-${i}`}
                  class="invite-code"
                  type="text"
                  readonly
                  value={c.code}
                />
                <button
                  type="button"
                  class="btn btn-secondary"
                  data-copy={`#share-code-${i}`}
                  data-copied={tr("status.copied")}
                  hidden
                >
                  {tr("status.copy")}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <p class="muted">
        {tr("status.campaign", { status: tr(`status.campaign_status.${s.campaign.status}`) })}
      </p>

      <section aria-labelledby="manage">
        <h2 id="manage">{tr("status.manage_heading")}</h2>
        <p class="muted">{tr("status.signed_up_as", { email: props.email })}</p>
        {s.unsubscribedAt === null ? (
          <form method="post" action={action(props, "unsubscribe")}>
            <button type="submit" class="btn btn-secondary">
              {tr("status.unsubscribe_button", { campaign })}
            </button>
          </form>
        ) : (
          <p>{tr("status.unsubscribed_note", { campaign })}</p>
        )}
        <p>{tr("status.delete_intro")}</p>
        <form method="post" action={action(props, "delete")}>
          <button type="submit" class="btn btn-danger">
            {tr("status.delete_button")}
          </button>
        </form>
      </section>
    </Layout>
  );
}

export interface ConfirmPageProps extends Base {
  step: "unsubscribe" | "delete";
  campaignName: string;
  accent: string | null;
  email: string;
}

/** "Are you sure?": the second post, with confirm=yes, is the one that acts. */
export function PrivacyConfirmPage(props: ConfirmPageProps) {
  const tr = translator(props.locale);
  const params = { campaign: props.campaignName, email: props.email };
  const del = props.step === "delete";
  return (
    <Layout
      locale={props.locale}
      title={tr(del ? "privacy.delete_title" : "privacy.unsubscribe_title")}
      accent={props.accent}
      noIndex
      header={<LanguageSwitcher locale={props.locale} path={props.path} />}
    >
      <h1>{tr(del ? "privacy.delete_heading" : "privacy.unsubscribe_heading", params)}</h1>
      <p>{tr(del ? "privacy.delete_body" : "privacy.unsubscribe_body", params)}</p>
      <form method="post" action={action(props, props.step)}>
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class={del ? "btn btn-danger" : "btn"}>
          {tr(del ? "privacy.delete_button" : "privacy.unsubscribe_button")}
        </button>
      </form>
      <p>
        <a href={`${props.path}?locale=${props.locale}`}>{tr("privacy.cancel")}</a>
      </p>
      <p class="muted">{tr("privacy.prefetch_note")}</p>
    </Layout>
  );
}

/** After a self-service erasure: the link is dead from now on, so no links back. */
export function DeletedPage(props: {
  locale: Locale;
  campaignName: string;
  accent: string | null;
}) {
  const tr = translator(props.locale);
  return (
    <Layout locale={props.locale} title={tr("privacy.deleted_title")} accent={props.accent} noIndex>
      <h1 role="status">{tr("privacy.deleted_heading")}</h1>
      <p>{tr("privacy.deleted_body", { campaign: props.campaignName })}</p>
    </Layout>
  );
}

const tokenPage = { noReferrer: true } as const;

export const renderStatusPage = (c: Context, props: StatusPageProps) =>
  renderPage(c, <StatusPage {...props} />, tokenPage);

export const renderPrivacyConfirmPage = (c: Context, props: ConfirmPageProps) =>
  renderPage(c, <PrivacyConfirmPage {...props} />, tokenPage);

export const renderDeletedPage = (
  c: Context,
  props: { locale: Locale; campaignName: string; accent: string | null },
) => renderPage(c, <DeletedPage {...props} />, tokenPage);
