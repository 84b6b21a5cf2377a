import type { Context } from "hono";
import { etagOf, serveVersioned } from "../http/representation";
import { settingsFrom } from "../settings";
import { type FeedIndex, readFeedArticles, readFeedIndex } from "../store";
import { buildFeed, type Feed } from "./model";

/** How long an isolate reuses a feed index it read, when the response cache is on. */
const INDEX_REUSE_MS = 2000;

/**
 * One representation of the main feed: its version (and so its ETag) from the feed's
 * index alone, its bytes rendered from the index's articles only when needed.
 */
export function serveFeed(c: Context<{ Bindings: Env }>, name: string, type: string, render: (feed: Feed) => string | Promise<string>) {
  const settings = settingsFrom(c.env);
  const kv = c.env.ARTICLES;
  let index: FeedIndex;
  return serveVersioned(
    c,
    type,
    async () => {
      const stored = await readFeedIndex(kv, undefined, settings.responseCache ? INDEX_REUSE_MS : 0);
      // A lowered ITEMS_PER_FEED applies at once (the settings are part of the ETag).
      index = { ...stored, items: stored.items.slice(0, settings.itemsPerFeed) };
      return { etag: await etagOf(c.env, index.version, name), lastModified: index.lastModified };
    },
    async () => render(buildFeed(settings, await readFeedArticles(kv, index))),
  );
}
