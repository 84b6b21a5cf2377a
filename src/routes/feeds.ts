import { Hono } from "hono";
import { buildFeed } from "../feed/model";
import { etagOf, serveVersioned } from "../http/representation";
import { methodNotAllowed } from "../problem";
import { renderAtom } from "../render/atom";
import { renderJson } from "../render/json";
import { renderRss } from "../render/rss";
import { settingsFrom } from "../settings";
import { type FeedIndex, readFeedArticles, readFeedIndex } from "../store";

const FORMATS = {
  "/feed.xml": { name: "rss", type: "application/rss+xml; charset=utf-8", render: renderRss },
  "/atom.xml": { name: "atom", type: "application/atom+xml; charset=utf-8", render: renderAtom },
  "/feed.json": { name: "json", type: "application/feed+json; charset=utf-8", render: renderJson },
} as const;

/** The main feed in RSS 2.0, Atom 1.0 and JSON Feed 1.1. */
export const feeds = new Hono<{ Bindings: Env }>();

for (const [path, format] of Object.entries(FORMATS)) {
  feeds.get(path, (c) => {
    let index: FeedIndex;
    return serveVersioned(
      c,
      format.type,
      async () => {
        index = await readFeedIndex(c.env.ARTICLES);
        return { etag: await etagOf(c.env, index.version, format.name), lastModified: index.lastModified };
      },
      async () => format.render(buildFeed(settingsFrom(c.env), await readFeedArticles(c.env.ARTICLES, index))),
    );
  });
  feeds.all(path, methodNotAllowed("GET, HEAD"));
}
