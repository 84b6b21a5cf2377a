import { type Context, Hono } from "hono";
import { notModified } from "../http/caching";
import { mediaTypeOf } from "../media";
import { methodNotAllowed, problemResponse, storeUnavailable } from "../problem";
import { readMedia } from "../store";

/**
 * A name can be replaced, so not `immutable`: a day fresh, then up to a week stale while
 * a cache revalidates (RFC 5861), which costs one KV read and no body when unchanged.
 */
const PUBLIC_CACHE = "public, max-age=86400, stale-while-revalidate=604800";

/**
 * Uploaded SVG may carry scripts, event handlers, foreignObject or external references.
 * Opened as a document under this policy it runs none of them and fetches nothing (as an
 * `<img>` it never does); nosniff holds browsers to the stored type.
 */
const CONTAINED = {
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  "X-Content-Type-Options": "nosniff",
};

/** GET/HEAD of an uploaded image: one KV read; 304 when the client's ETag matches (RFC 9110 §13.2.2). */
export async function serveMedia(c: Context<{ Bindings: Env }>, name: string, cacheControl: string): Promise<Response> {
  let stored: Awaited<ReturnType<typeof readMedia>> = null;
  try {
    stored = mediaTypeOf(name) ? await readMedia(c.env.ARTICLES, name) : null;
  } catch (e) {
    console.error(`/media/${name}: serving failed:`, e);
    return storeUnavailable();
  }
  if (!stored) return problemResponse(404, `There is no media file ${name}.`);
  const unchanged = notModified(c.req.raw.headers, stored.etag, undefined);
  // Open to browser-based readers that fetch images themselves, as the feeds are.
  const headers = new Headers({ ETag: stored.etag, "Cache-Control": cacheControl, "Access-Control-Allow-Origin": "*", ...CONTAINED });
  if (!unchanged) headers.set("Content-Type", stored.type);
  if (!unchanged && c.req.method === "GET") return new Response(stored.body, { headers });
  await stored.body.cancel(); // a 304 or a HEAD: nothing more to read
  return new Response(null, { status: unchanged ? 304 : 200, headers });
}

/** Images uploaded through the publisher API (`PUT /api/media/{name}`), at `/media/{name}`. */
export const media = new Hono<{ Bindings: Env }>();

media.get("/media/:name", (c) => serveMedia(c, c.req.param("name"), PUBLIC_CACHE));
media.all("/media/:name", methodNotAllowed("GET, HEAD"));
