import { describe, expect, it } from "vitest";
import {
  EmailRenderError,
  type EmailTemplate,
  linksRequiredBy,
  renderEmail,
  sampleContext,
  sampleLinks,
  templates,
} from "../../emails";
import { emailTemplateCategories, emailTemplates, locales } from "../../src/db/schema/enums";

const cases = emailTemplates.flatMap((template) =>
  locales.map((locale) => [template, locale] as const),
);
const links = sampleLinks();
const isList = (t: EmailTemplate) => emailTemplateCategories[t] === "list";
/** The URL of the template's main button in the sample context. */
const mainLink = (t: EmailTemplate) =>
  t === "status_link" || t === "milestone"
    ? links.status
    : t === "order_receipt" || t === "ship_date_changed"
      ? links.order
      : links.action;

describe("every template in every locale", () => {
  it("has a template for every name in emailTemplateCategories", () => {
    expect(Object.keys(templates).sort()).toEqual([...emailTemplates].sort());
  });

  it.each(cases)("%s (%s) renders subject, preheader, html and text", (template, locale) => {
    const email = renderEmail(template, sampleContext(template, locale));
    expect(email.subject.trim()).not.toBe("");
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.preheader.trim()).not.toBe("");
    expect(email.html).toMatch(/^<!DOCTYPE html>/);
    expect(email.html).toContain(`<html lang="${locale}"`);
    expect(email.html).toContain("max-width:600px");
    expect(email.text.trim().length).toBeGreaterThan(80);
    // No placeholder left unfilled.
    for (const part of [email.subject, email.preheader, email.text]) {
      expect(part).not.toMatch(/\{[a-z_]+\}/);
    }
    expect(email).toMatchSnapshot();
  });

  it.each(cases)(
    "%s (%s): the text part has the action URL on its own line",
    (template, locale) => {
      const email = renderEmail(template, sampleContext(template, locale));
      const url = new URL(mainLink(template)).href;
      expect(email.text.split("\n")).toContain(url);
      expect(email.html).toContain(`href="${url}"`);
    },
  );

  it.each(cases)("%s (%s): unsubscribe link exactly when it is list mail", (template, locale) => {
    const email = renderEmail(template, sampleContext(template, locale));
    if (isList(template)) {
      expect(email.html).toContain(`href="${links.unsubscribe}"`);
      expect(email.text.split("\n")).toContain(links.unsubscribe);
      expect(email.text).toContain("Aurora Studio, 12 Amir Temur Avenue");
    } else {
      // Transactional mail is not stopped by unsubscribe, so it does not offer one.
      expect(email.html).not.toContain(links.unsubscribe);
      expect(email.text).not.toContain(links.unsubscribe);
    }
  });
});

describe("order_expired says why the order expired", () => {
  it.each(locales)("%s: a hold that ran out is not blamed on the email address", (locale) => {
    const ctx = sampleContext("order_expired", locale);
    const unverified = renderEmail("order_expired", {
      ...ctx,
      data: { ...ctx.data, reason: "unverified" },
    });
    const hold = renderEmail("order_expired", { ...ctx, data: { ...ctx.data, reason: "hold" } });
    expect(hold.subject).toBe(unverified.subject);
    expect(hold.preheader).not.toBe(unverified.preheader);
    const emailBlamed = locale === "uz" ? /pochta\S* .*tasdiqlanmadi/ : /email.*wasn't confirmed/i;
    expect(unverified.text).toMatch(emailBlamed);
    expect(`${hold.preheader}\n${hold.text}`).not.toMatch(emailBlamed);
    expect(hold.text).toContain("ord_8HQ3ZP");
    expect(hold).toMatchSnapshot();
  });

  it.each(locales)("%s: a row queued before `reason` existed reads as unverified", (locale) => {
    const ctx = sampleContext("order_expired", locale);
    const { reason: _, ...old } = ctx.data;
    expect(renderEmail("order_expired", { ...ctx, data: old })).toEqual(
      renderEmail("order_expired", { ...ctx, data: { ...old, reason: "unverified" } }),
    );
  });
});

describe("renderEmail checks", () => {
  it("refuses list mail without an unsubscribe link", () => {
    for (const template of emailTemplates.filter(isList)) {
      const ctx = sampleContext(template, "en");
      const { unsubscribe: _, ...rest } = ctx.links;
      expect(() => renderEmail(template, { ...ctx, links: rest } as typeof ctx)).toThrow(
        EmailRenderError,
      );
      expect(linksRequiredBy(template)).toContain("unsubscribe");
    }
  });

  it("refuses a required link that is not http(s)", () => {
    const ctx = sampleContext("signup_confirm", "en");
    expect(() =>
      renderEmail("signup_confirm", { ...ctx, links: { action: "javascript:alert(1)" } }),
    ).toThrow(/links\.action/);
    expect(() =>
      renderEmail("order_receipt", { ...sampleContext("order_receipt", "en"), links: {} } as never),
    ).toThrow(EmailRenderError);
  });

  it("refuses an unknown template and falls back to English for an unknown locale", () => {
    expect(() =>
      renderEmail("nope" as EmailTemplate, sampleContext("broadcast", "en") as never),
    ).toThrow(/Unknown email template/);
    const email = renderEmail("login_link", {
      ...sampleContext("login_link", "en"),
      locale: "fr" as "en",
    });
    expect(email.subject).toBe(
      renderEmail("login_link", sampleContext("login_link", "en")).subject,
    );
  });

  it("renders without optional data: no name, no position, no expiry, no branding", () => {
    const ctx = sampleContext("status_link", "en", {
      campaign: { name: "Plain", branding: {}, currency: "USD" },
      recipient: { email: "a@example.com" },
      links: { status: links.status },
    });
    const email = renderEmail("status_link", {
      ...ctx,
      links: { status: links.status },
      data: { position: null, peopleAhead: null },
    });
    expect(email.text).toMatch(/^Hi there,/);
    expect(email.text).toContain("Here is your personal link");
    expect(email.html).not.toContain("<img");
    expect(email.html).toContain("Sent by Plain");

    const invite = sampleContext("invitation", "uz");
    const noExpiry = renderEmail("invitation", { ...invite, data: { code: "ABCD-EFGH" } });
    expect(noExpiry.text).not.toContain("muddati:");
    expect(noExpiry.text).toContain("ABCD-EFGH");
  });

  it("shows the logo only over https, and only valid hex accent colours", () => {
    const base = sampleContext("invitation", "en");
    const withLogo = (logoUrl: string, accentColor?: string) =>
      renderEmail("invitation", {
        ...base,
        campaign: {
          ...base.campaign,
          branding: { ...base.campaign.branding, logoUrl, accentColor },
        },
      }).html;
    expect(withLogo("https://cdn.example/logo.png")).toContain(
      '<img src="https://cdn.example/logo.png"',
    );
    expect(withLogo("http://cdn.example/logo.png")).not.toContain("<img");
    expect(withLogo("javascript:alert(1)")).not.toContain("<img");
    const hostile = withLogo(
      "https://cdn.example/l.png",
      "red;background:url(https://evil.example/x)",
    );
    expect(hostile).not.toContain("evil.example");
    expect(hostile).toContain("#111827");
  });
});
