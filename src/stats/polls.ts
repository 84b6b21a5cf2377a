import type { MiddlewareHandler } from "hono";
import { type Agent, agentOf } from "./agents";
import { statsConfig } from "./config";
import { isolateCounter } from "./counter";

declare module "hono" {
  interface ContextVariableMap {
    /** Body bytes of the response, as its sender knows them (a Response does not say before it is sent). */
    bodyBytes: number;
  }
}

/** A browser opening the feed (a navigation) is a person looking, not a subscriber polling. */
const NAVIGATION: Agent = { name: "browser", kind: "other" };

/** The answers that are polls: the feed, unchanged (304), a delta (226), or "too soon" (429). */
const POLLS = new Set([200, 226, 304, 429]);

/**
 * Counts every poll of a current feed document for the statistics, after it is answered:
 * a few map operations in this isolate's memory, never I/O on the poll's own path.
 */
export const countPolls: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  await next();
  const config = statsConfig(c.env);
  if (!config.on || !POLLS.has(c.res.status)) return;
  const headers = c.req.raw.headers;
  const ua = headers.get("User-Agent") ?? "";
  isolateCounter(c.env, config.flushMs).count(
    {
      now: Date.now(),
      feed: c.req.path,
      ip: headers.get("CF-Connecting-IP") ?? "",
      ua,
      agent: headers.get("Sec-Fetch-Mode") === "navigate" ? NAVIGATION : agentOf(ua),
      conditional: headers.has("If-None-Match") || headers.has("If-Modified-Since"),
      bytes: c.req.method === "HEAD" ? 0 : (c.get("bodyBytes") ?? 0),
    },
    (p) => c.executionCtx.waitUntil(p),
  );
};
