import { type Context, Hono } from "hono";
import { type FeedFormat, FORMATS } from "../feed/formats";
import { type Representation, serveFeed } from "../feed/serve";
import { FEED_VARY, wantsPreview } from "../http/negotiate";
import { etagOf, serveVersioned } from "../http/representation";
import { tooSoon } from "../http/throttle";
import { methodNotAllowed } from "../problem";
import { HTML_TYPE } from "../render/layout";
import { renderOpml } from "../render/opml";
import { feedPreview } from "../render/preview";
import { settingsFrom } from "../settings";
import { countPolls } from "../stats/polls";
import { readScopes, type ScopeList } from "../store";
import { ARCHIVE, pageOf, SCOPE_PREFIXES, scopeOf } from "./scoped";

/**
 * Every feed document in RSS 2.0, Atom 1.0 and JSON Feed 1.1: the main feed and one per
 * section, author and tag, each current document and its archive pages (RFC 5005). A
 * person's browser that opens one gets its HTML preview instead (src/http/negotiate.ts).
 */
export const feeds = new Hono<{ Bindings: Env }>();

for (const [kind, prefix] of SCOPE_PREFIXES) {
  for (const format of Object.keys(FORMATS) as FeedFormat[]) {
    const { file, type } = FORMATS[format];
    const document: Representation = { name: format, type: `${type}; charset=utf-8`, render: format, vary: FEED_VARY };
    const preview: Representation = {
      name: `${format}.html`,
      type: HTML_TYPE,
      render: (feed, settings, view) => feedPreview(feed, settings, view, format).toString(),
      vary: FEED_VARY,
      private: true,
    };
    const serve = (c: Context<{ Bindings: Env }>) => {
      const rep = wantsPreview(c, type) ? preview : document;
      // Only the document is throttled: a person reloading the preview is not polling.
      return (rep === document && tooSoon(c)) || serveFeed(c, scopeOf(c, kind), pageOf(c), rep);
    };
    const current = `${prefix}/${file}`;
    const archive = `${prefix}${ARCHIVE}/${file}`;
    // Subscribers poll the current documents; archive pages are read once, not polled.
    feeds.get(current, countPolls, serve);
    feeds.get(archive, serve);
    for (const path of [current, archive]) feeds.all(path, methodNotAllowed("GET, HEAD"));
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
