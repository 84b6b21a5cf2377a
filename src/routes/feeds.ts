import { Hono } from "hono";
import { serveFeed } from "../feed/serve";
import { methodNotAllowed } from "../problem";
import { renderAtom } from "../render/atom";
import { renderJson } from "../render/json";
import { renderRss } from "../render/rss";

const FORMATS = {
  "/feed.xml": { name: "rss", type: "application/rss+xml; charset=utf-8", render: renderRss },
  "/atom.xml": { name: "atom", type: "application/atom+xml; charset=utf-8", render: renderAtom },
  "/feed.json": { name: "json", type: "application/feed+json; charset=utf-8", render: renderJson },
} as const;

/** The main feed in RSS 2.0, Atom 1.0 and JSON Feed 1.1. */
export const feeds = new Hono<{ Bindings: Env }>();

for (const [path, format] of Object.entries(FORMATS)) {
  feeds.get(path, (c) => serveFeed(c, format.name, format.type, format.render));
  feeds.all(path, methodNotAllowed("GET, HEAD"));
}
