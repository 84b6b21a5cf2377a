import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { messagePage } from "../render/html";
import { settingsFrom } from "../settings";

/** What an error's answer depends on, outside the API: whether a person's browser asked (see `forPeople`). */
const ERROR_VARY = "Sec-Fetch-Dest, Accept";

/**
 * A problem (RFC 9457) as the client that asked can read it. The API always answers
 * problem+json. Elsewhere a person's browser opening the address (a top-level navigation,
 * `Sec-Fetch-Dest: document`, that prefers HTML) gets the same status, headers and words as
 * a page in the site's frame, and every other client the problem+json; both say `Vary`,
 * so a cache keeping a 404 never hands one to the other.
 */
export function forPeople(c: Context<{ Bindings: Env }>, res: Response): Response | Promise<Response> {
  if (c.req.path.startsWith("/api/") || res.headers.get("Content-Type") !== "application/problem+json") return res;
  const person =
    c.req.raw.headers.get("Sec-Fetch-Dest") === "document" &&
    accepts(c, { header: "Accept", supports: ["application/problem+json", "text/html"], default: "application/problem+json" }) ===
      "text/html";
  const headers = new Headers(res.headers);
  headers.append("Vary", ERROR_VARY);
  if (!person) return new Response(res.body, { status: res.status, headers });
  headers.set("Content-Type", "text/html; charset=utf-8");
  return res
    .json<{ title: string; detail: string }>()
    .then(({ title, detail }) => new Response(messagePage(settingsFrom(c.env), title, detail).toString(), { status: res.status, headers }));
}
