const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * RFC 3339 to the RFC 822 date RSS 2.0 requires, keeping the publisher's wall-clock time
 * and offset (`2017-07-20T20:12:00-04:00` → `Thu, 20 Jul 2017 20:12:00 -0400`): readers
 * that show the date as written then show the publisher's day, not UTC's.
 */
export function rfc822(date: string): string {
  const m = RFC3339.exec(date);
  if (!m) throw new Error(`not an RFC 3339 date-time: ${date}`);
  const [, y, mo, d, h, mi, s, offset] = m;
  const weekday = DAYS[new Date(Date.UTC(+y, +mo - 1, +d)).getUTCDay()];
  const zone = offset.toUpperCase() === "Z" ? "+0000" : offset.replace(":", "");
  return `${weekday}, ${d} ${MONTHS[+mo - 1]} ${y} ${h}:${mi}:${s} ${zone}`;
}

/**
 * An instant written as RFC 3339 in the UTC offset of another RFC 3339 date, so an
 * `updated` that feedwire sets reads in the publisher's own time zone.
 */
export function inOffsetOf(ms: number, reference: string): string {
  const m = RFC3339.exec(reference);
  const offset = !m || m[7].toUpperCase() === "Z" ? "Z" : m[7];
  const minutes = offset === "Z" ? 0 : (offset.startsWith("-") ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return `${new Date(Math.floor(ms / 1000) * 1000 + minutes * 60_000).toISOString().slice(0, 19)}${offset}`;
}
