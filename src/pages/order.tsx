import type { Context } from "hono";
import { formatDate, formatDateTime, formatMoney } from "../../emails/format";
import type { PreorderStatus } from "../db/schema";
import { canCustomerCancel, type OrderView, verificationLapsed } from "../domain/preorders/read";
import { type Locale, type MessageKey, type Translate, translator } from "../i18n";
import { LanguageSwitcher, Layout, renderPage } from "./layout";

/**
 * The order page `/o/{token}`: status, items and total, the expected ship
 * date, and a cancel button while the campaign allows it (DOMAIN.md
 * "Pre-order": the customer's right to cancel). The token is in the path, so
 * it goes out with `Referrer-Policy: no-referrer` and `no-store`. The cancel
 * form posts to `/o/{token}/cancel`, which redirects back here.
 * @see ../../../shared/CONTRACT.md "Customer tokens"
 */

export type OrderNotice = "cancelled" | "verified" | "cancel_refused" | "verify_over_limit";

export interface OrderPageProps {
  locale: Locale;
  /** `/o/{token}`: the page's path, for the language switcher and the cancel form. */
  path: string;
  view: OrderView;
  /** Masked address (maskEmail). */
  email: string;
  now: number;
  notice?: OrderNotice | undefined;
}

const NOTICES = {
  cancelled: { key: "order.cancel_done", tone: "notice notice-success" },
  verified: { key: "order.verified_notice", tone: "notice notice-success" },
  cancel_refused: { key: "order.cancel_refused", tone: "notice notice-error" },
  verify_over_limit: { key: "order.verify_over_limit", tone: "notice notice-error" },
} as const satisfies Record<OrderNotice, { key: MessageKey; tone: string }>;

const STATUS_NOTES = {
  reserved: "order.reserved_notice",
  confirmed: "order.confirmed_notice",
  fulfilled: "order.fulfilled_notice",
  cancelled: "order.cancelled_notice",
  expired: "order.expired_notice",
} as const satisfies Record<Exclude<PreorderStatus, "pending_verification">, MessageKey>;

function StatusNote(props: OrderPageProps & { tr: Translate }) {
  const { view, tr, locale } = props;
  const o = view.order;
  if (verificationLapsed(o, props.now)) return <p class="notice">{tr("order.lapsed_notice")}</p>;
  if (o.status === "pending_verification") {
    const time =
      o.holdExpiresAt === null
        ? ""
        : formatDateTime(new Date(o.holdExpiresAt).toISOString(), locale);
    return <p class="notice">{tr("order.pending_notice", { email: props.email, time })}</p>;
  }
  return <p class="notice">{tr(STATUS_NOTES[o.status])}</p>;
}

export function OrderPage(props: OrderPageProps) {
  const { view, locale } = props;
  const { order: o, campaign } = view;
  const tr = translator(locale);
  const money = (minor: number) => formatMoney(minor, o.currency, locale);
  const until = campaign.cancelAllowedUntil;
  const notice = props.notice ? NOTICES[props.notice] : null;
  return (
    <Layout
      locale={locale}
      title={tr("order.title")}
      accent={campaign.accent}
      noIndex
      header={<LanguageSwitcher locale={locale} path={props.path} />}
    >
      <h1>{tr("order.heading", { campaign: campaign.name })}</h1>
      {notice ? (
        <p class={notice.tone} role="status">
          {tr(notice.key)}
        </p>
      ) : null}
      <dl class="facts">
        <dt>{tr("order.number")}</dt>
        <dd>
          <code>{o.id}</code>
        </dd>
        <dt>{tr("order.status_label")}</dt>
        <dd>{tr(`order.status.${o.status}`)}</dd>
      </dl>
      <p class="muted">
        {tr("order.placed_at", {
          date: formatDateTime(new Date(o.createdAt).toISOString(), locale),
        })}
      </p>
      <StatusNote {...props} tr={tr} />

      <section aria-labelledby="items">
        <h2 id="items">{tr("order.items_heading")}</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{tr("order.col_item")}</th>
                <th scope="col">{tr("order.col_quantity")}</th>
                <th scope="col">{tr("order.col_price")}</th>
                <th scope="col">{tr("order.col_total")}</th>
              </tr>
            </thead>
            <tbody>
              {view.items.map((i) => (
                <tr>
                  <td>{i.variantName}</td>
                  <td>{i.quantity}</td>
                  <td>{money(i.unitPrice)}</td>
                  <td>{money(i.unitPrice * i.quantity)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colspan={3}>
                  {tr("order.total")}
                </th>
                <td>
                  <strong>{money(o.total)}</strong>
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      </section>
      {campaign.expectedShipDate ? (
        <p>{tr("order.ship_date", { date: formatDate(campaign.expectedShipDate, locale) })}</p>
      ) : null}

      {canCustomerCancel(view, props.now) ? (
        <section aria-labelledby="cancel">
          <h2 id="cancel">{tr("order.cancel_heading")}</h2>
          <p>
            {until === null
              ? tr("order.cancel_open")
              : tr("order.cancel_until", {
                  date: formatDateTime(new Date(until).toISOString(), locale),
                })}
          </p>
          <form method="post" action={`${props.path}/cancel?locale=${locale}`}>
            <button type="submit" class="btn btn-danger">
              {tr("order.cancel_button")}
            </button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

/** Token page headers: `Referrer-Policy: no-referrer`, `Cache-Control: no-store`. */
export function renderOrderPage(c: Context, props: OrderPageProps, status: 200 | 409 = 200) {
  return renderPage(c, <OrderPage {...props} />, { noReferrer: true, status });
}
