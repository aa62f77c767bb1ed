import type { Context } from "hono";
import { formatDateTime } from "../../emails/format";
import { type Locale, translator } from "../i18n";
import { LanguageSwitcher, Layout, renderPage } from "./layout";

/**
 * The page behind the `order_verify` email's link `/verify/{token}`: a
 * question with a button. Showing it changes nothing (mail scanners and link
 * previews fetch every link); the form posts back to the same URL, which
 * verifies and redirects to the order page. No referrer leaves it.
 */
export interface VerifyPageProps {
  locale: Locale;
  /** The token path, for the language switcher. */
  path: string;
  campaignName: string;
  accent: string | null;
  /** Masked address (maskEmail). */
  email: string;
  orderId: string;
  /** When the hold ends (UTC ms). */
  expiresAt: number | null;
  state: "pending" | "verified" | "ended";
  /** `/o/{token}`, for verified or ended orders. */
  orderPath: string;
}

export function VerifyPage(props: VerifyPageProps) {
  const tr = translator(props.locale);
  const order = props.orderId;
  return (
    <Layout
      locale={props.locale}
      title={tr("verify.title")}
      accent={props.accent}
      noIndex
      header={<LanguageSwitcher locale={props.locale} path={props.path} />}
    >
      {props.state === "pending" ? (
        <>
          <h1>{tr("verify.heading", { campaign: props.campaignName })}</h1>
          <p>
            {tr("verify.intro", {
              email: props.email,
              order,
              time:
                props.expiresAt === null
                  ? ""
                  : formatDateTime(new Date(props.expiresAt).toISOString(), props.locale),
            })}
          </p>
          <form method="post" action={`${props.path}?locale=${props.locale}`}>
            <button type="submit" class="btn">
              {tr("verify.button")}
            </button>
          </form>
          <p class="muted">{tr("verify.prefetch_note")}</p>
        </>
      ) : (
        <>
          <h1>
            {tr(props.state === "verified" ? "verify.already_heading" : "verify.ended_heading")}
          </h1>
          <p>
            {tr(props.state === "verified" ? "verify.already_intro" : "verify.ended_intro", {
              order,
            })}
          </p>
          <p>
            <a class="btn" href={`${props.orderPath}?locale=${props.locale}`}>
              {tr("verify.order_link")}
            </a>
          </p>
        </>
      )}
    </Layout>
  );
}

/** Token page headers: `Referrer-Policy: no-referrer`, `Cache-Control: no-store`. */
export function renderVerifyPage(c: Context, props: VerifyPageProps): Promise<Response> {
  return renderPage(c, <VerifyPage {...props} />, { noReferrer: true });
}
