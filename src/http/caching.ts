import type { Settings } from "../settings";
import { parseTagList, weakMatch } from "./preconditions";

/**
 * Cache-Control for every feed and page: shared caches may store them (RFC 9111, RFC 5861);
 * `private` ones only the browser's own cache may.
 */
export const cacheControl = (s: Settings, maxAge = s.maxAge, audience: "public" | "private" = "public") =>
  `${audience}, max-age=${maxAge}, stale-while-revalidate=${s.staleWhileRevalidate}, stale-if-error=${s.staleIfError}`;

/** An IMF-fixdate (RFC 9110 §5.6.7). */
export const httpDate = (ms: number) => new Date(ms).toUTCString();

const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "\\d{2}:\\d{2}:\\d{2}";
/** The three forms of HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, RFC 850, asctime. */
const HTTP_DATE = new RegExp(
  `^(?:${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT|${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4})$`,
);

/** An HTTP-date in ms, or NaN for anything else, which §13.1.3 says to ignore (`Date.parse` alone takes "2030"). */
const parseHttpDate = (value: string | null): number =>
  value && HTTP_DATE.test(value) ? Date.parse(value.endsWith("GMT") ? value : `${value} GMT`) : Number.NaN;

/**
 * Whether a GET/HEAD may be answered 304 (RFC 9110 §13.2.2): If-None-Match (weak
 * comparison, `*` or a list) decides when present; only without it does
 * If-Modified-Since count, and a malformed date is ignored.
 */
export function notModified(headers: Headers, etag: string, lastModified: number | undefined): boolean {
  const ifNoneMatch = parseTagList(headers.get("If-None-Match"));
  if (ifNoneMatch !== undefined) return weakMatch(ifNoneMatch, etag);
  const since = parseHttpDate(headers.get("If-Modified-Since"));
  if (Number.isNaN(since) || !lastModified) return false;
  return Math.floor(lastModified / 1000) <= Math.floor(since / 1000);
}
