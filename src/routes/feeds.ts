import { type Context, Hono } from "hono";
import { type FeedFormat, FORMATS } from "../feed/formats";
import { type Representation, serveFeed } from "../feed/serve";
import { etagOf, serveVersioned } from "../http/representation";
import { politePolling } from "../http/throttle";
import { methodNotAllowed, problem } from "../problem";
import { renderOpml } from "../render/opml";
import { KIND_PATHS, MAIN, type Scope, slugify } from "../scopes";
import { settingsFrom } from "../settings";
import { countPolls } from "../stats/polls";
import { readScopes, type ScopeList } from "../store";

/** Longest slug looked up: KV keys are at most 512 bytes. */
const SLUG_MAX = 200;

/** The scope a path names; a slug that is not one we make (say, in capitals) is no feed. */
function scopeOf(c: Context<{ Bindings: Env }>, kind: Scope["kind"]): Pick<Scope, "kind" | "slug"> {
  if (kind === "main") return MAIN;
  const slug = c.req.param("slug") ?? "";
  if (slug.length > SLUG_MAX || slugify(slug) !== slug) problem(404, "There is no such feed: no article has this section, author or tag.");
  return { kind, slug };
}

/**
 * Every feed document in RSS 2.0, Atom 1.0 and JSON Feed 1.1: the main feed and one per
 * section, author and tag, each current document and its archive pages (RFC 5005).
 */
export const feeds = new Hono<{ Bindings: Env }>();

const prefixes: [Scope["kind"], string][] = [
  ["main", ""],
  ...Object.entries(KIND_PATHS).map(([kind, path]) => [kind, `/${path}/:slug`] as [Scope["kind"], string]),
];
for (const [kind, prefix] of prefixes) {
  for (const format of Object.keys(FORMATS) as FeedFormat[]) {
    const { file, type } = FORMATS[format];
    const rep: Representation = { name: format, type: `${type}; charset=utf-8`, render: format };
    const current = `${prefix}/${file}`;
    const archive = `${prefix}/archive/:page{[1-9][0-9]{0,8}}/${file}`;
    feeds.get(current, countPolls, politePolling, (c) => serveFeed(c, scopeOf(c, kind), 0, rep));
    feeds.get(archive, politePolling, (c) => serveFeed(c, scopeOf(c, kind), Number(c.req.param("page")), rep));
    feeds.all(current, methodNotAllowed("GET, HEAD"));
    feeds.all(archive, methodNotAllowed("GET, HEAD"));
  }
}

/** Every feed as an OPML 2.0 subscription list. */
feeds.get("/feeds.opml", (c) => {
  let list: ScopeList;
  return serveVersioned(
    c,
    "text/x-opml; charset=utf-8",
    async () => {
      list = await readScopes(c.env.ARTICLES);
      return { etag: await etagOf(c.env, list.version, "opml"), lastModified: list.lastModified };
    },
    async () => renderOpml(settingsFrom(c.env), list),
  );
});
feeds.all("/feeds.opml", methodNotAllowed("GET, HEAD"));
