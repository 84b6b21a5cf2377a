import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FieldIssue } from "./article";

/** One problem with a field of a request body; `index` is set for batch items. */
export type FieldError = FieldIssue & { index?: number };

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  410: "Gone",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** An RFC 9457 problem details response. `type` is about:blank unless the problem has its own kind. */
export function problemResponse(
  status: ContentfulStatusCode,
  detail: string,
  extra: { type?: string; errors?: FieldError[]; headers?: Record<string, string> } = {},
): Response {
  const body = {
    type: extra.type ? `tag:feedwire.dev,2026:problem:${extra.type}` : "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json", ...extra.headers },
  });
}

/** Throws a problem response through Hono's error path (the app's onError returns it as is). */
export function problem(...args: Parameters<typeof problemResponse>): never {
  throw new HTTPException(args[0], { res: problemResponse(...args) });
}

/** 405 with the methods the route does support (RFC 9110 §15.5.6). */
export const methodNotAllowed = (allow: string) => (c: { req: { method: string } }) =>
  problemResponse(405, `${c.req.method} is not supported here; use ${allow}.`, { headers: { Allow: allow } });

/** How long a client should wait before trying again when the store cannot be read. */
const RETRY_AFTER_S = 30;

/** KV could not be read and there is no good copy to serve: 503, never a 500 or an empty answer. */
export const storeUnavailable = () =>
  problemResponse(503, "feedwire cannot read its store right now; try again shortly.", {
    headers: { "Retry-After": String(RETRY_AFTER_S) },
  });
