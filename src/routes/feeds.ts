import { Hono } from "hono";
import { buildFeed } from "../feed/model";
import { renderAtom } from "../render/atom";
import { renderJson } from "../render/json";
import { renderRss } from "../render/rss";
import { settingsFrom } from "../settings";
import { latestArticles } from "../store";

const FORMATS = {
  "/feed.xml": { type: "application/rss+xml; charset=utf-8", render: renderRss },
  "/atom.xml": { type: "application/atom+xml; charset=utf-8", render: renderAtom },
  "/feed.json": { type: "application/feed+json; charset=utf-8", render: renderJson },
} as const;

/** The main feed in RSS 2.0, Atom 1.0 and JSON Feed 1.1. */
export const feeds = new Hono<{ Bindings: Env }>();

for (const [path, format] of Object.entries(FORMATS)) {
  feeds.get(path, async (c) => {
    const settings = settingsFrom(c.env);
    const articles = await latestArticles(c.env.ARTICLES, settings.itemsPerFeed);
    return c.body(format.render(buildFeed(settings, articles)), 200, { "Content-Type": format.type });
  });
}
