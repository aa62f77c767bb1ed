import { describe, expect, it } from "vitest";
import { renderEmail, sampleContext } from "../../emails";
import * as broadcast from "../../emails/broadcast";
import * as invitation from "../../emails/invitation";
import * as lastChance from "../../emails/last-chance";
import * as loginLink from "../../emails/login-link";
import * as milestone from "../../emails/milestone";
import * as orderCancelled from "../../emails/order-cancelled";
import * as orderExpired from "../../emails/order-expired";
import * as orderReceipt from "../../emails/order-receipt";
import * as orderVerify from "../../emails/order-verify";
import * as reminder from "../../emails/reminder";
import * as shipDateChanged from "../../emails/ship-date-changed";
import * as signupConfirm from "../../emails/signup-confirm";
import * as statusLink from "../../emails/status-link";
import { type Copy, common } from "../../emails/strings";
import { emailTemplates } from "../../src/db/schema/enums";

const tables: Record<string, Copy<string>> = {
  common,
  broadcast: broadcast.copy,
  invitation: invitation.copy,
  last_chance: lastChance.copy,
  login_link: loginLink.copy,
  milestone: milestone.copy,
  order_cancelled: orderCancelled.copy,
  order_expired: orderExpired.copy,
  order_receipt: orderReceipt.copy,
  order_verify: orderVerify.copy,
  reminder: reminder.copy,
  ship_date_changed: shipDateChanged.copy,
  signup_confirm: signupConfirm.copy,
  status_link: statusLink.copy,
};
const placeholders = (s: string) => [...s.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1]).sort();

describe("copy tables", () => {
  it("cover every template", () => {
    for (const t of emailTemplates) expect(tables[t], t).toBeDefined();
  });

  it.each(Object.entries(tables))(
    "%s: uz has the en keys, all translated, same placeholders",
    (_, copy) => {
      expect(Object.keys(copy.uz).sort()).toEqual(Object.keys(copy.en).sort());
      for (const [key, en] of Object.entries(copy.en)) {
        const uz = copy.uz[key] ?? "";
        expect(uz.trim(), key).not.toBe("");
        expect(uz, `${key} is not translated`).not.toBe(en);
        expect(placeholders(uz), key).toEqual(placeholders(en));
        // Uzbek typography: ʻ (U+02BB) / ʼ (U+02BC), not ASCII or curly quotes, in oʻ gʻ.
        expect(uz, key).not.toMatch(/[og]['‘’`]/i);
        expect(en, key).not.toMatch(/[ʻʼ]/);
      }
    },
  );
});

describe("rendered copy differs between locales", () => {
  it.each(emailTemplates)(
    "%s: subject, preheader, heading and text are all translated",
    (template) => {
      const en = renderEmail(template, sampleContext(template, "en"));
      const uz = renderEmail(template, sampleContext(template, "uz"));
      expect(uz.subject).not.toBe(en.subject);
      expect(uz.preheader).not.toBe(en.preheader);
      const h1 = (s: string) => s.match(/<h1[^>]*>(.*?)<\/h1>/)?.[1];
      expect(h1(uz.html)).not.toBe(h1(en.html));
      // Line by line: a sentence left in English shows up as a line both parts share.
      const sentences = (text: string) =>
        new Set(
          text
            .split("\n")
            .filter((line) => /[a-z]{3,}\s+[a-z]{3,}/i.test(line) && !/https?:\/\//.test(line)),
        );
      const enLines = sentences(en.text);
      const shared = [...sentences(uz.text)].filter(
        (line) =>
          enLines.has(line) && !line.includes("Amir Temur") && !line.includes("Aurora Lamp —"),
      );
      expect(shared).toEqual([]);
    },
  );
});
