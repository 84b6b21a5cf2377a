import type { Context } from "hono";
import { messagePage } from "../render/html";
import { HTML_TYPE } from "../render/layout";
import { settingsFrom } from "../settings";
import { NAVIGATION_VARY, personWantsHtml } from "./negotiate";

const PROBLEM_TYPE = "application/problem+json";

/**
 * A problem (RFC 9457) as the client that asked can read it. The API always answers
 * problem+json. Elsewhere a person's browser opening the address (a top-level navigation
 * that prefers HTML) gets the same status, headers and words as a page in the site's frame,
 * and every other client the problem+json; both say `Vary` (added here, to `res`), so a
 * cache keeping a 404 never hands one to the other. Returns the page, or undefined when
 * `res` answers as it is.
 */
export function forPeople(c: Context<{ Bindings: Env }>, res: Response): Promise<Response> | undefined {
  const path = c.req.path;
  if (path === "/api" || path.startsWith("/api/") || res.headers.get("Content-Type") !== PROBLEM_TYPE) return undefined;
  res.headers.append("Vary", NAVIGATION_VARY);
  if (!personWantsHtml(c, PROBLEM_TYPE)) return undefined;
  const headers = new Headers(res.headers);
  headers.set("Content-Type", HTML_TYPE);
  return res
    .json<{ title: string; detail: string }>()
    .then(({ title, detail }) => new Response(messagePage(settingsFrom(c.env), title, detail).toString(), { status: res.status, headers }));
}
