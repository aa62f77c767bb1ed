import { describe, expect, it } from "vitest";
import { renderEmail, sampleContext, templates } from "../../emails";
import { escapeHtml, html, oneLine, safeUrl, textToHtml } from "../../emails/escape";
import { emailTemplates, locales } from "../../src/db/schema/enums";

const HOSTILE = `<script>alert(1)</script>"'&`;
const HOSTILE_CAMPAIGN = `Evil <img src=x onerror=alert(2)> "Co" & 'Sons'`;
const BAD_URLS = [
  "javascript:alert(1)",
  " JaVaScRiPt:alert(1)",
  "java\nscript:alert(1)",
  "data:text/html,<b>x</b>",
  "/relative",
];

/** Every href and src value in the document. */
const urlAttributes = (doc: string) =>
  [...doc.matchAll(/\s(?:href|src)="([^"]*)"/gi)].map((m) => m[1] ?? "");

describe("escaping in every template", () => {
  const cases = emailTemplates.flatMap((t) => locales.map((l) => [t, l] as const));

  it.each(cases)(
    "%s (%s): hostile names and campaign names never reach the HTML raw",
    (template, locale) => {
      const ctx = sampleContext(template, locale);
      const email = renderEmail(template, {
        ...ctx,
        campaign: {
          ...ctx.campaign,
          name: HOSTILE_CAMPAIGN,
          branding: {
            ...ctx.campaign.branding,
            senderName: HOSTILE,
            postalAddress: HOSTILE,
            logoUrl: "https://cdn.example/logo.png",
          },
        },
        recipient: { name: HOSTILE, email: "x@example.com" },
      } as typeof ctx);
      expect(email.html).not.toMatch(/<script/i);
      expect(email.html).not.toMatch(/<img src=x/i);
      expect(email.html).not.toContain(`"Co"`);
      expect(email.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;");
      expect(email.html).toContain("Evil &lt;img src=x onerror=alert(2)&gt;");
      expect(email.html).toContain(`alt="Evil &lt;img src=x onerror=alert(2)&gt; &quot;Co&quot;`);
      // The plain text part carries the names as written (it is not HTML).
      expect(email.text).toContain(HOSTILE);
      expect(email.subject).not.toMatch(/[\r\n]/);
    },
  );

  it.each(cases)("%s (%s): a javascript: URL never appears in an href", (template, locale) => {
    const ctx = sampleContext(template, locale);
    for (const bad of BAD_URLS) {
      const optional = { ...ctx.links, manage: bad, referral: bad };
      const email = renderEmail(template, { ...ctx, links: optional } as typeof ctx);
      for (const url of urlAttributes(email.html)) expect(url).toMatch(/^https?:\/\//);
      expect(email.html.toLowerCase()).not.toContain("javascript:");
      expect(email.text.toLowerCase()).not.toContain("javascript:");
    }
  });

  it.each(emailTemplates)("%s called directly drops a javascript: action link", (template) => {
    const ctx = sampleContext(template, "en");
    const bad = {
      ...ctx.links,
      action: "javascript:alert(1)",
      status: "javascript:alert(1)",
      order: "javascript:alert(1)",
    };
    const render = templates[template] as (c: typeof ctx) => { html: string; text: string };
    const email = render({ ...ctx, links: bad } as typeof ctx);
    expect(email.html.toLowerCase()).not.toContain("javascript:");
    expect(email.text.toLowerCase()).not.toContain("javascript:");
  });

  it("broadcast bodies are escaped plain text, paragraphs split on blank lines", () => {
    const ctx = sampleContext("broadcast", "en");
    const email = renderEmail("broadcast", {
      ...ctx,
      data: {
        subject: "Hello\r\nBcc: victim@example.com <b>bold</b>",
        body: `First <b>para</b> & more\nsecond line\n\n  \n<a href="javascript:alert(1)">click</a>\r\n\r\nThird`,
        actionLabel: `<script>x</script>`,
      },
      links: { ...ctx.links, action: "javascript:alert(1)" },
    });
    expect(email.subject).toBe("Hello Bcc: victim@example.com <b>bold</b>");
    expect(email.html).toContain("First &lt;b&gt;para&lt;/b&gt; &amp; more<br>second line</p>");
    expect(email.html).toContain(
      "&lt;a href=&quot;javascript:alert(1)&quot;&gt;click&lt;/a&gt;</p>",
    );
    expect(email.html).toContain(">Third</p>");
    expect(email.html).not.toMatch(/<b>|<a href="javascript/i);
    // The unsafe action is dropped, button and all.
    expect(email.html).not.toContain("&lt;script&gt;x");
    expect(email.text).toContain("First <b>para</b> & more\nsecond line\n\n<a href");
  });
});

describe("escape helpers", () => {
  it("escapes the five HTML characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    expect(html`<p title="${`"><script>`}">${"<b>"}${html`<i>ok</i>`}</p>`.value).toBe(
      `<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;<i>ok</i></p>`,
    );
  });

  it("allows only absolute http(s) URLs", () => {
    expect(safeUrl("https://a.example/s/tok?x=1&y=2")).toBe("https://a.example/s/tok?x=1&y=2");
    expect(safeUrl("http://localhost:8787/o/t")).toBe("http://localhost:8787/o/t");
    for (const bad of [...BAD_URLS, "", null, undefined, "vbscript:x", "mailto:a@b.c"]) {
      expect(safeUrl(bad)).toBeUndefined();
    }
  });

  it("turns paragraphs into <p> and keeps one line one line", () => {
    expect(textToHtml("a\n\n\nb\r\nc", "").value).toBe(`<p style="">a</p><p style="">b<br>c</p>`);
    expect(oneLine(" a\r\n\tb\u2028c ")).toBe("a b c");
    expect(oneLine("x".repeat(300), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
