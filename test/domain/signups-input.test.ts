import { describe, expect, it } from "vitest";
import type { Question } from "../../src/db/schema";
import { honeypotTripped, isDisposableDomain } from "../../src/domain/signups/abuse";
import { validateAnswers } from "../../src/domain/signups/answers";
import { audienceFor } from "../../src/domain/signups/audience";
import { normalizeEmail, parseEmail } from "../../src/domain/signups/email";
import { newReferralCode, normalizeReferralCode } from "../../src/domain/signups/referrals";

describe("parseEmail", () => {
  it("trims, lower-cases the domain for sending and the whole address for uniqueness", () => {
    expect(parseEmail("  Jane.Doe+lamp@Example.COM ")).toEqual({
      email: "Jane.Doe+lamp@example.com",
      normalized: "jane.doe+lamp@example.com",
      domain: "example.com",
    });
    expect(normalizeEmail(" A@B.Example ")).toBe("a@b.example");
  });

  it("turns international domains into punycode", () => {
    expect(parseEmail("ali@Bücher.example")).toMatchObject({ domain: "xn--bcher-kva.example" });
  });

  it("refuses what is not an address", () => {
    const bad = [
      "",
      "plain",
      "@example.com",
      "a@",
      "a@b",
      "a@@b.com",
      "a b@example.com",
      "a..b@example.com",
      ".a@example.com",
      '"quoted"@example.com',
      "a@example..com",
      "a@-example.com",
      "a@127.0.0.1",
      "a@[127.0.0.1]",
      "a@example.com/x",
      "a@exa mple.com",
      "a\n@example.com",
      "жора@example.com",
      42,
      null,
    ];
    for (const input of bad)
      expect(parseEmail(input), String(input)).toHaveProperty("problem", "email_invalid");
  });

  it("enforces RFC 5321 lengths", () => {
    expect(parseEmail(`${"a".repeat(64)}@example.com`)).not.toHaveProperty("problem");
    expect(parseEmail(`${"a".repeat(65)}@example.com`)).toEqual({ problem: "email_too_long" });
    const long = `a@${Array.from({ length: 5 }, () => "b".repeat(60)).join(".")}.com`;
    expect(parseEmail(long)).toEqual({ problem: "email_too_long" });
  });
});

const q = (over: Partial<Question>): Question =>
  ({
    key: "k",
    type: "text",
    required: false,
    options: null,
    maxLength: null,
    ...over,
  }) as Question;

describe("validateAnswers", () => {
  const size = q({
    key: "size",
    type: "single_choice",
    required: true,
    options: [
      { value: "s", label: { en: "S" } },
      { value: "m", label: { en: "M" } },
    ],
  });
  const colours = q({
    key: "colours",
    type: "multi_choice",
    options: [
      { value: "red", label: { en: "Red" } },
      { value: "blue", label: { en: "Blue" } },
    ],
  });
  const note = q({ key: "note", type: "text", maxLength: 5 });
  const terms = q({ key: "terms", type: "checkbox", required: true });
  const gift = q({ key: "gift", type: "checkbox" });
  const all = [size, colours, note, terms, gift];

  it("keeps clean values and drops empty answers", () => {
    expect(
      validateAnswers(all, {
        size: "m",
        colours: ["red", "blue", "red"],
        note: "  hi  ",
        terms: true,
        gift: false,
      }),
    ).toEqual({
      answers: { size: "m", colours: ["red", "blue"], note: "hi", terms: true, gift: false },
      issues: [],
    });
    expect(validateAnswers([note, colours], { note: "   ", colours: [] })).toEqual({
      answers: {},
      issues: [],
    });
  });

  it("reports every problem with its path", () => {
    const { issues } = validateAnswers(all, {
      size: "xl",
      colours: ["green"],
      note: "toolong",
      terms: false,
      gift: "yes",
      extra: 1,
    });
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ["answers.extra", "unknown_question"],
      ["answers.size", "invalid_choice"],
      ["answers.colours", "invalid_choice"],
      ["answers.note", "too_long"],
      ["answers.terms", "required"],
      ["answers.gift", "invalid_value"],
    ]);
    expect(issues.find((i) => i.key === "note")?.max).toBe(5);
    expect(validateAnswers(all, {}).issues.map((i) => i.path)).toEqual([
      "answers.size",
      "answers.terms",
    ]);
  });

  it("counts characters, not UTF-16 units, for max_length", () => {
    expect(validateAnswers([note], { note: "😀😀😀😀😀" }).issues).toEqual([]);
  });

  it("accepts form strings only from forms", () => {
    const form = validateAnswers(
      [colours, terms, gift],
      { colours: "red", terms: "on", gift: "" },
      { fromForm: true },
    );
    expect(form).toEqual({ answers: { colours: ["red"], terms: true, gift: false }, issues: [] });
    const json = validateAnswers([colours, terms], { colours: "red", terms: "on" });
    expect(json.issues.map((i) => i.code)).toEqual(["invalid_value", "invalid_value"]);
  });
});

describe("abuse signals", () => {
  it("knows disposable domains from the maintained list, subdomains included", () => {
    expect(isDisposableDomain("mailinator.com")).toBe(true);
    expect(isDisposableDomain("x.y.mailinator.com")).toBe(true);
    expect(isDisposableDomain("yopmail.com")).toBe(true);
    expect(isDisposableDomain("gmail.com")).toBe(false);
    expect(isDisposableDomain("example.com")).toBe(false);
    expect(isDisposableDomain("com")).toBe(false);
  });

  it("trips the honeypot on anything but blank", () => {
    expect(honeypotTripped(undefined)).toBe(false);
    expect(honeypotTripped("")).toBe(false);
    expect(honeypotTripped("  ")).toBe(false);
    expect(honeypotTripped("http://x")).toBe(true);
  });
});

describe("audienceFor", () => {
  const facts = { domain: "mail.acme.example", country: "UZ", source: "form" as const };
  it("combines the rules", () => {
    expect(audienceFor({}, facts)).toBe("inside");
    expect(audienceFor({ allowedDomains: ["acme.example"] }, facts)).toBe("inside");
    expect(audienceFor({ allowedDomains: ["other.example"] }, facts)).toBe("outside_audience");
    expect(audienceFor({ blockedDomains: ["acme.example"] }, facts)).toBe("outside_audience");
    expect(audienceFor({ allowedDomains: ["cme.example"] }, facts)).toBe("outside_audience");
    expect(audienceFor({ countries: ["UZ", "KZ"] }, facts)).toBe("inside");
    expect(audienceFor({ countries: ["KZ"] }, facts)).toBe("outside_audience");
    expect(audienceFor({ countries: ["UZ"] }, { ...facts, country: null })).toBe(
      "outside_audience",
    );
    expect(audienceFor({ allowListOnly: true }, facts)).toBe("outside_audience");
    expect(audienceFor({ allowListOnly: true }, { ...facts, source: "import" })).toBe("inside");
  });
});

describe("referral codes", () => {
  it("are 8 Crockford symbols and normalise what people type", () => {
    const code = newReferralCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(normalizeReferralCode(code.toLowerCase())).toBe(code);
    expect(normalizeReferralCode("abcd-efgh")).toBe("ABCDEFGH");
    expect(normalizeReferralCode("0O1I L234")).toBe("00111234");
    for (const bad of [null, "", "short", "TOOLONGCODE1", "ABCD EFG!", "ABCDEFGU"]) {
      expect(normalizeReferralCode(bad)).toBeNull();
    }
  });
});
