import { httpDate } from "./caching";

let second = Number.NaN;
let value = "";

/**
 * The `Date` header for a response now (RFC 9110 §6.6.1: an origin server with a clock must send one, and
 * caches need it to compute age). Built at most once a second and reused within it, so the hot path pays a
 * clock read and a comparison.
 */
export function dateHeader(now = Date.now()): string {
  const s = Math.floor(now / 1000);
  if (s !== second) {
    second = s;
    value = httpDate(s * 1000);
  }
  return value;
}
