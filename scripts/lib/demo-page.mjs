/**
 * A stand-in for a customer's own website: a landing page on a second origin
 * that embeds the widget, so cross-origin embedding (CORS, allowed origins) is
 * exercised exactly as in production.
 */
import { createServer } from "node:http";

const escapeHtml = (s) =>
  String(s).replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch],
  );

export function demoPageHtml({ apiBase, slug = "demo" }) {
  const api = escapeHtml(apiBase);
  const s = escapeHtml(slug);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Aurora desk lamp — a Presale demo site</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
  body { margin: 0; }
  header, main, footer { max-width: 44rem; margin: 0 auto; padding: 1.5rem; }
  header { display: flex; justify-content: space-between; align-items: baseline; }
  .hero { font-size: 2.2rem; line-height: 1.15; margin: 1rem 0 .5rem; }
  .lede { font-size: 1.15rem; opacity: .85; }
  .card { border: 1px solid color-mix(in srgb, currentColor 20%, transparent); border-radius: .75rem; padding: 1.25rem; margin: 1.5rem 0; }
  .note { font-size: .9rem; opacity: .75; }
  code { font-size: .9em; }
</style>
</head>
<body>
<header>
  <strong>Aurora</strong>
  <span class="note">demo site on its own origin</span>
</header>
<main>
  <h1 class="hero">A warm light for long evenings.</h1>
  <p class="lede">The first batch is small. Join the waitlist to get your invitation before the pre-order opens to everyone.</p>

  <section class="card" aria-label="Join the waitlist">
    <script src="${api}/widget.js" data-campaign="${s}" async></script>
    <noscript>
      <form method="post" action="${api}/v1/campaigns/${s}/signups">
        <p><label>Email <input type="email" name="email" required autocomplete="email"></label></p>
        <p><label>Name <input type="text" name="name" autocomplete="name"></label></p>
        <p><label><input type="checkbox" name="consent" value="true" required> Email me about this pre-sale</label></p>
        <p><button type="submit">Join the waitlist</button></p>
      </form>
    </noscript>
    <p class="note">No form above? The widget may not be built yet — use the hosted page instead:
      <a href="${api}/c/${s}">${api}/c/${s}</a></p>
  </section>

  <p class="note">This page is served by <code>npm run dev</code> from a second origin and embeds
    <code>&lt;script src="${api}/widget.js" data-campaign="${s}" async&gt;</code>, the same snippet a
    shop would paste into its own site.</p>
</main>
<footer class="note">Presale demo · API at <a href="${api}/docs">${api}/docs</a></footer>
</body>
</html>
`;
}

/** Serves the demo page on host:port; resolves the http.Server once listening. */
export function startDemoPage({ port, host = "127.0.0.1", apiBase, slug }) {
  const html = demoPageHtml({ apiBase, slug });
  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (new URL(req.url ?? "/", "http://x").pathname !== "/") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : html);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
