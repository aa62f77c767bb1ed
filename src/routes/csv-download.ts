/**
 * Headers of a streamed CSV export. A list longer than one response may carry
 * (D1's per-invocation query limit) ends at a part boundary; the next part is
 * linked with `Link: rel="next"` and `X-Next-Cursor`.
 */
export function csvDownloadHeaders(
  requestUrl: string,
  out: { filename: string; nextCursor: string | null },
): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${out.filename}"`,
    "Cache-Control": "no-store",
  };
  if (out.nextCursor) {
    const next = new URL(requestUrl);
    next.searchParams.set("cursor", out.nextCursor);
    headers.Link = `<${next.pathname}${next.search}>; rel="next"`;
    headers["X-Next-Cursor"] = out.nextCursor;
  }
  return headers;
}
