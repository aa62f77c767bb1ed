#!/usr/bin/env node
/**
 * Vendors Swagger UI for the /docs page: copies the two files the page needs
 * from the swagger-ui-dist package into public/docs/vendor/ (gitignored), so
 * the API reference is served from our own origin (no CDN, works offline,
 * fits the CSP). Runs as the root `postinstall`; safe to run again.
 *
 * Afterwards it checks that every /docs/… asset the page references
 * (src/pages/docs.tsx) exists under public/, because static assets are served
 * by the platform and the worker tests cannot see the file system.
 */
import { copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const vendorDir = path.join(root, "public", "docs", "vendor");
const require = createRequire(import.meta.url);

function fail(message) {
  console.error(`copy-assets: ${message}`);
  process.exit(1);
}

let distDir;
let version;
try {
  const pkgPath = require.resolve("swagger-ui-dist/package.json");
  distDir = path.dirname(pkgPath);
  version = JSON.parse(await readFile(pkgPath, "utf8")).version;
} catch {
  fail("swagger-ui-dist is not installed; run `npm install` (it is a dependency).");
}

// Source maps are not shipped; drop the comments that would make devtools ask for them.
const stripSourceMap = (text) => text.replace(/\n?\/[/*][#@] sourceMappingURL=[^\n]*\s*$/, "\n");

await mkdir(vendorDir, { recursive: true });
for (const name of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  const text = await readFile(path.join(distDir, name), "utf8");
  await writeFile(path.join(vendorDir, name), stripSourceMap(text));
}
// Apache-2.0: the licence and notice travel with the copy.
for (const name of ["LICENSE", "NOTICE"]) {
  try {
    await copyFile(path.join(distDir, name), path.join(vendorDir, name));
  } catch {
    // not every release has a NOTICE
  }
}
await writeFile(path.join(vendorDir, "VERSION"), `swagger-ui-dist ${version}\n`);

// --- checks -----------------------------------------------------------------
const bundle = await readFile(path.join(vendorDir, "swagger-ui-bundle.js"), "utf8");
if (!bundle.includes("SwaggerUIBundle"))
  fail("swagger-ui-bundle.js does not define SwaggerUIBundle");

const page = await readFile(path.join(root, "src", "pages", "docs.tsx"), "utf8");
const referenced = [...page.matchAll(/"(\/docs\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
if (referenced.length < 3) fail("src/pages/docs.tsx no longer names its /docs/ assets as expected");
for (const url of referenced) {
  const file = path.join(root, "public", url);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile() || info.size === 0) fail(`${url} is referenced by the docs page but missing`);
}
const initJs = await readFile(path.join(root, "public", "docs", "init.js"), "utf8");
if (/https?:\/\//.test(initJs)) fail("public/docs/init.js must not reference another origin");

console.log(
  `copy-assets: Swagger UI ${version} → public/docs/vendor/ (${referenced.length} docs assets checked)`,
);
