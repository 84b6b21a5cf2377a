import type { Context } from "hono";
import { problemResponse } from "../problem";
import { settingsFrom } from "../settings";

/** When each client last fetched each feed unconditionally, in this isolate (oldest first out). */
const lastFetch = new Map<string, number>();
const KEPT_CLIENTS = 10_000;

/**
 * Polite polling: a client that fetches the same feed without If-None-Match or
 * If-Modified-Since again within POLL_MIN_INTERVAL seconds gets 429 with Retry-After.
 * Conditional requests are never throttled (a 304 costs nothing). Kept per isolate: no
 * storage, no I/O, so a throttled request costs less than the feed would have; a client
 * spread over many isolates may get a little more through, which is fine for politeness.
 * Only feed documents are throttled: a person reloading a feed's preview is not polling.
 * Returns the 429, or undefined when the request may go on (and is then recorded).
 */
export function tooSoon(c: Context<{ Bindings: Env }>): Response | undefined {
  const interval = settingsFrom(c.env).pollMinInterval * 1000;
  if (!interval || c.req.header("If-None-Match") !== undefined || c.req.header("If-Modified-Since") !== undefined) return undefined;
  const key = `${c.req.header("CF-Connecting-IP") ?? "local"} ${c.req.path}`;
  const now = Date.now();
  const last = lastFetch.get(key);
  if (last !== undefined && now - last < interval) {
    const wait = Math.ceil((last + interval - now) / 1000);
    return problemResponse(
      429,
      `This feed was fetched from your address less than ${interval / 1000} s ago. Poll with If-None-Match or If-Modified-Since (never throttled), or wait ${wait} s.`,
      { headers: { "Retry-After": String(wait), "Cache-Control": "no-store" } },
    );
  }
  lastFetch.delete(key);
  lastFetch.set(key, now);
  if (lastFetch.size > KEPT_CLIENTS) lastFetch.delete(lastFetch.keys().next().value ?? "");
  return undefined;
}
