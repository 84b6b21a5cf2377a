import type { Context } from "hono";
import { accepts } from "hono/accepts";

/** What an answer depends on when a person's browser gets HTML where other clients get something else. */
export const NAVIGATION_VARY = "Sec-Fetch-Dest, Accept";

/**
 * What a feed URL's answer depends on besides its coding: whether a person's browser
 * opened it (`wantsPreview`). Sent on the feed and on its preview alike, so a shared cache
 * keeps one copy of each and never hands one to a client that asked for the other.
 */
export const FEED_VARY = `Accept-Encoding, ${NAVIGATION_VARY}`;

/**
 * Whether a person's browser opened this address and would rather read HTML than `type`.
 * Only a top-level browser navigation sends `Sec-Fetch-Dest: document` (Fetch Metadata), so
 * any other client's request costs one header lookup; `Accept` is read only for
 * navigations, and must prefer `text/html` to `type` (a client asking for `type` first gets it).
 */
export function personWantsHtml(c: Context, type: string): boolean {
  if (c.req.raw.headers.get("Sec-Fetch-Dest") !== "document") return false;
  return accepts(c, { header: "Accept", supports: [type, "text/html"], default: type }) === "text/html";
}

/**
 * Whether a feed URL is answered with its HTML preview rather than the document.
 * `?raw`, the preview's link to the document, asks for the document itself.
 */
export const wantsPreview = (c: Context, feedType: string): boolean => personWantsHtml(c, feedType) && c.req.query("raw") === undefined;
