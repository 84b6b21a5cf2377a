import type { Settings } from "../settings";
import { parseTagList, weakMatch } from "./preconditions";

/** Cache-Control for every feed and page: shared caches may store them (RFC 9111, RFC 5861). */
export const cacheControl = (s: Settings, maxAge = s.maxAge) =>
  `public, max-age=${maxAge}, stale-while-revalidate=${s.staleWhileRevalidate}, stale-if-error=${s.staleIfError}`;

/** An IMF-fixdate (RFC 9110 §5.6.7). */
export const httpDate = (ms: number) => new Date(ms).toUTCString();

/**
 * Whether a GET/HEAD may be answered 304 (RFC 9110 §13.2.2): If-None-Match (weak
 * comparison, `*` or a list) decides when present; only without it does
 * If-Modified-Since count, and a malformed date is ignored.
 */
export function notModified(headers: Headers, etag: string, lastModified: number | undefined): boolean {
  const ifNoneMatch = parseTagList(headers.get("If-None-Match"));
  if (ifNoneMatch !== undefined) return weakMatch(ifNoneMatch, etag);
  const since = Date.parse(headers.get("If-Modified-Since") ?? "");
  if (Number.isNaN(since) || !lastModified) return false;
  return Math.floor(lastModified / 1000) <= Math.floor(since / 1000);
}
