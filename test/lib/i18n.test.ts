import { describe, expect, it } from "vitest";
import { en } from "../../src/i18n/en";
import {
  interpolate,
  LOCALES,
  negotiateLocale,
  parseAcceptLanguage,
  t,
  translator,
} from "../../src/i18n/index";
import { uz } from "../../src/i18n/uz";
import { problemCatalog } from "../../src/lib/errors";

const placeholders = (s: string) => [...s.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1]).sort();

describe("catalogues", () => {
  const enKeys = Object.keys(en).sort();

  it("uz has exactly the keys en has, none empty", () => {
    expect(Object.keys(uz).sort()).toEqual(enKeys);
    for (const key of enKeys) {
      const value = (uz as Record<string, string>)[key];
      expect(value?.trim(), key).toBeTruthy();
      expect((en as Record<string, string>)[key]?.trim(), key).toBeTruthy();
    }
  });

  it("uz uses the same {param} placeholders as en, key by key", () => {
    const mismatches = enKeys.filter(
      (key) =>
        JSON.stringify(placeholders((en as Record<string, string>)[key]!)) !==
        JSON.stringify(placeholders((uz as Record<string, string>)[key]!)),
    );
    expect(mismatches).toEqual([]);
  });

  it("uz is written with the proper oʻ/gʻ letters, not ASCII quotes", () => {
    const bad = Object.entries(uz).filter(([, v]) => /[oOgG]['‘’`]/.test(v));
    expect(bad).toEqual([]);
  });

  it("has title, meaning and action for every problem code, en titles matching the catalog", () => {
    for (const [code, { title }] of Object.entries(problemCatalog)) {
      for (const part of ["title", "meaning", "action"]) {
        expect(Object.hasOwn(en, `problem.${code}.${part}`), `${code}.${part}`).toBe(true);
      }
      expect((en as Record<string, string>)[`problem.${code}.title`]).toBe(title);
    }
  });
});

describe("t", () => {
  it("fills {params} in the chosen language", () => {
    expect(t("en", "problem.page.status", { status: 409 })).toBe("HTTP status 409");
    expect(t("uz", "problem.page.status", { status: 409 })).toBe("HTTP holati: 409");
    expect(t("uz", "chrome.page_title", { title: "Demo" })).toBe("Demo · Presale");
    expect(translator("uz")("problem.sold_out.title")).toBe("Hammasi sotilgan");
  });

  it("leaves unknown placeholders alone and does not read inherited properties", () => {
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(interpolate("{toString}", {})).toBe("{toString}");
    expect(interpolate("no params")).toBe("no params");
  });

  it("is checked by the compiler", () => {
    // @ts-expect-error unknown key
    expect(t("en", "no.such.key")).toBe("no.such.key");
    // @ts-expect-error params are required when the message has placeholders
    expect(t("en", "problem.page.status")).toBe("HTTP status {status}");
    // @ts-expect-error and must name the right ones
    expect(t("en", "problem.page.status", { code: 1 })).toBe("HTTP status {status}");
  });
});

describe("negotiateLocale", () => {
  it("an explicit choice wins over everything", () => {
    expect(negotiateLocale({ explicit: "uz", acceptLanguage: "en", campaignDefault: "en" })).toBe(
      "uz",
    );
    expect(negotiateLocale({ explicit: "EN", acceptLanguage: "uz", campaignDefault: "uz" })).toBe(
      "en",
    );
    expect(negotiateLocale({ explicit: "uz-Latn" })).toBe("uz");
  });

  it("an unsupported explicit value is skipped, not an error", () => {
    expect(negotiateLocale({ explicit: "fr", acceptLanguage: "uz" })).toBe("uz");
    expect(negotiateLocale({ explicit: "", campaignDefault: "uz" })).toBe("uz");
  });

  it("then Accept-Language, by q-value", () => {
    expect(negotiateLocale({ acceptLanguage: "en;q=0.5, uz;q=0.9", campaignDefault: "en" })).toBe(
      "uz",
    );
    expect(negotiateLocale({ acceptLanguage: "uz-UZ,uz;q=0.9,ru;q=0.8,en;q=0.7" })).toBe("uz");
    expect(negotiateLocale({ acceptLanguage: "ru-RU, en-US;q=0.8", campaignDefault: "uz" })).toBe(
      "en",
    );
    // equal q: the earlier one in the header
    expect(negotiateLocale({ acceptLanguage: "uz;q=0.8, en;q=0.8" })).toBe("uz");
  });

  it("q=0, * and languages we do not have fall through to the campaign default", () => {
    expect(negotiateLocale({ acceptLanguage: "en;q=0, ru", campaignDefault: "uz" })).toBe("uz");
    expect(negotiateLocale({ acceptLanguage: "*", campaignDefault: "uz" })).toBe("uz");
    expect(negotiateLocale({ acceptLanguage: "de-DE,fr;q=0.9", campaignDefault: "uz" })).toBe("uz");
    expect(negotiateLocale({ acceptLanguage: "uz;q=abc", campaignDefault: "en" })).toBe("en");
  });

  it("then English", () => {
    expect(negotiateLocale()).toBe("en");
    expect(negotiateLocale({ campaignDefault: "ru", acceptLanguage: "ru" })).toBe("en");
  });

  it("parses a hostile header cheaply", () => {
    const huge = `${"xx;q=0.1,".repeat(10_000)}uz`;
    expect(parseAcceptLanguage(huge)).toEqual([]);
    expect(parseAcceptLanguage("uz-Cyrl-UZ;q=0.3 , en-GB ; q=0.2")).toEqual(["uz", "en"]);
    expect(LOCALES).toEqual(["en", "uz"]);
  });
});
