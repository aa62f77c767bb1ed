/**
 * Which methods a path answers to, from the app's own route table, so an
 * unmatched request can be told 405 with `Allow` (RFC 9110 §15.5.6) when the
 * address exists, rather than a 404 that says it does not.
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-405-method-not-allowed
 */
export interface RouteEntry {
  method: string;
  path: string;
}

type Matcher = { pattern: RegExp; method: string };

/** `/v1/campaigns/:slug/signups` → a regex matching one path segment per parameter. */
function toPattern(path: string): RegExp {
  const body = path
    .split("/")
    .map((seg) => {
      if (seg === "*") return ".*";
      if (seg.startsWith(":")) return "[^/]+";
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return new RegExp(`^${body}/?$`);
}

export function allowedMethodsOf(routes: readonly RouteEntry[]) {
  let matchers: Matcher[] | undefined;
  return (path: string): string[] => {
    // Built on first use: the route table is complete by then.
    matchers ??= routes
      .filter((r) => r.method !== "ALL")
      .map((r) => ({ pattern: toPattern(r.path), method: r.method.toUpperCase() }));
    const methods = new Set<string>();
    for (const m of matchers) if (m.pattern.test(path)) methods.add(m.method);
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}
