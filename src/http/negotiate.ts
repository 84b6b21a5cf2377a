import type { Context } from "hono";
import { accepts } from "hono/accepts";

/**
 * What a feed URL's answer depends on besides its coding: whether a person's browser
 * opened it (`wantsPreview`). Sent on the feed and on its preview alike, so a shared cache
 * keeps one copy of each and never hands one to a client that asked for the other.
 */
export const FEED_VARY = "Accept-Encoding, Sec-Fetch-Dest, Accept";

/**
 * Whether a feed URL is answered with its HTML preview rather than the document. Only a
 * top-level browser navigation sends `Sec-Fetch-Dest: document` (Fetch Metadata), so a
 * feed reader's request costs one header lookup; `Accept` is read only for navigations,
 * and must prefer `text/html` to the feed's own type (a client asking for the feed first
 * gets it). `?raw`, the preview's link to the document, asks for the document itself.
 */
export function wantsPreview(c: Context, feedType: string): boolean {
  if (c.req.raw.headers.get("Sec-Fetch-Dest") !== "document") return false;
  if (c.req.query("raw") !== undefined) return false;
  return accepts(c, { header: "Accept", supports: [feedType, "text/html"], default: feedType }) === "text/html";
}
