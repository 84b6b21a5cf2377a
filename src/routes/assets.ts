import { Hono } from "hono";
import { serveVersioned } from "../http/representation";
import { methodNotAllowed, problem } from "../problem";
import { assetAt } from "../render/assets";

/** A hashed URL names one version for ever (RFC 8246 `immutable`: not even a reload revalidates). */
const FOREVER = "public, max-age=31536000, immutable";

/** The stylesheet and icon the pages link to, at URLs that change with their bytes. */
export const assets = new Hono<{ Bindings: Env }>();

assets.get("/assets/:file", (c) => {
  const asset = assetAt(c.req.path) ?? problem(404, "There is no such file (an old version's URL, perhaps).");
  return serveVersioned(
    c,
    asset.type,
    async () => ({ etag: asset.etag, cacheControl: FOREVER }),
    async () => asset.body,
  );
});
assets.all("/assets/:file", methodNotAllowed("GET, HEAD"));
