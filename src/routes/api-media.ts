import { Hono } from "hono";
import { MEDIA_MAX_BYTES, MEDIA_NAME_RULE, MEDIA_TYPES, mediaEtag, mediaTypeOf } from "../media";
import { methodNotAllowed, problem } from "../problem";
import { settingsFrom } from "../settings";
import { deleteMedia, readMedia, writeMedia } from "../store";
import { limit, requireToken } from "./guards";
import { serveMedia } from "./media";

/** The name and the type it is served as; a 400 naming the field when the name breaks the rule. */
function checkName(name = ""): { name: string; type: string } {
  const type = mediaTypeOf(name);
  if (!type)
    problem(400, `${name} is not a valid media name.`, { type: "invalid-media", errors: [{ field: "name", reason: MEDIA_NAME_RULE }] });
  return { name, type };
}

/** Images for articles, under /api/media: the bytes PUT are the bytes GET and /media/{name} serve. */
export const apiMedia = new Hono<{ Bindings: Env }>();

apiMedia.get("/:name", (c) => serveMedia(c, checkName(c.req.param("name")).name, "no-cache"));

/** Create or replace; the same bytes again write nothing (KV allows one write a second per key). */
apiMedia.put("/:name", requireToken, limit(MEDIA_MAX_BYTES), async (c) => {
  const { name, type } = checkName(c.req.param("name"));
  const sent = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  if (sent !== type) {
    problem(415, `Send ${name} as Content-Type: ${type}. Images accepted: ${MEDIA_TYPES.join(", ")}.`, {
      errors: [{ field: "Content-Type", reason: `must be ${type}, the type of the name's extension` }],
    });
  }
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength === 0) {
    problem(400, "The body is empty: send the image's bytes.", {
      type: "invalid-media",
      errors: [{ field: "body", reason: "must not be empty" }],
    });
  }
  const etag = mediaEtag(new Uint8Array(bytes));
  const current = await readMedia(c.env.ARTICLES, name);
  await current?.body.cancel();
  const status = !current ? "created" : current.etag === etag ? "unchanged" : "replaced";
  if (status !== "unchanged") await writeMedia(c.env.ARTICLES, name, bytes, { type, etag });
  const url = `${settingsFrom(c.env).siteUrl}/media/${name}`;
  return c.json({ name, url, type, bytes: bytes.byteLength, status }, status === "created" ? 201 : 200, { ETag: etag, Location: url });
});

apiMedia.delete("/:name", requireToken, async (c) => {
  const { name } = checkName(c.req.param("name"));
  const current = await readMedia(c.env.ARTICLES, name);
  if (!current) return problem(404, `There is no media file ${name}.`);
  await current.body.cancel();
  await deleteMedia(c.env.ARTICLES, name);
  return c.body(null, 204);
});

apiMedia.all("/:name", methodNotAllowed("GET, HEAD, PUT, DELETE"));
