import type { Context } from "hono";
import type { Article } from "../article";
import { cacheControl } from "../http/caching";
import { etagOf, serveVersioned, type Version } from "../http/representation";
import { problem } from "../problem";
import { feedLinkList, linkHeader } from "../render/links";
import { type Scope, scopeKey } from "../scopes";
import { type Settings, settingsFrom } from "../settings";
import { EMPTY_FEED, type FeedIndex, KEYS, readFeedArticles, readFeedIndex } from "../store";
import { encodeFeed } from "./encode";
import type { FeedFormat } from "./formats";
import { buildFeed, type Feed, type FeedView, feedLinks, feedMeta, hubsFor } from "./model";

/**
 * How long an isolate reuses a feed index it read, when the response cache is on: a hot
 * poll reads KV at most once a second, and a change (a scheduled article going live
 * included) is served here at most a second after KV has it.
 */
const INDEX_REUSE_MS = 1000;

/** One way of showing a feed document: a feed format (with links, deltas and kept item bytes) or an HTML page. */
export interface Representation {
  /** Part of the ETag: each representation of a version has its own. */
  name: string;
  type: string;
  render: FeedFormat | ((feed: Feed, settings: Settings, view: FeedView) => string);
  /** `Vary`, when the URL has more than one representation (src/http/negotiate.ts). */
  vary?: string;
  /** Only for the browser's own cache, never a shared one. */
  private?: boolean;
}

/**
 * Each index's view and Version (ETag, Link header), made once per settings, index and
 * representation: an index object stands for one document while the isolate keeps it
 * (EMPTY_FEED only ever for the main feed), so a hot poll builds none of these strings.
 */
const made = new WeakMap<Settings, WeakMap<FeedIndex, Map<string, { view: FeedView; version: Version }>>>();

async function prepared(env: Env, settings: Settings, scope: Pick<Scope, "kind" | "slug">, index: FeedIndex, rep: Representation) {
  let byIndex = made.get(settings);
  if (!byIndex) {
    byIndex = new WeakMap();
    made.set(settings, byIndex);
  }
  let byRep = byIndex.get(index);
  if (!byRep) {
    byRep = new Map();
    byIndex.set(index, byRep);
  }
  const known = byRep.get(rep.name);
  if (known) return known;
  const view: FeedView = { ...scope, name: index.name, page: index.page, older: index.older, newer: index.newer };
  const version: Version = { etag: await etagOf(env, index.version, rep.name), lastModified: index.lastModified };
  if (index.page || rep.private)
    version.cacheControl = cacheControl(
      settings,
      index.page ? settings.archiveMaxAge : settings.maxAge,
      rep.private ? "private" : "public",
    );
  const link = typeof rep.render === "string" && linkHeader(feedLinkList(feedLinks(settings, view), hubsFor(settings, view), rep.render));
  if (rep.vary || link) version.headers = { ...(rep.vary && { Vary: rep.vary }), ...(link && { Link: link }) };
  byRep.set(rep.name, { view, version });
  return { view, version };
}

/**
 * One feed document (a scope's current one, or an archive page) in one representation:
 * its version (and so its ETag) from the document's index alone, its bytes rendered
 * from the index's articles only when needed. With `A-IM: feed`, only the items that
 * changed since the client's version (RFC 3229).
 */
export function serveFeed(c: Context<{ Bindings: Env }>, scope: Pick<Scope, "kind" | "slug">, page: number, rep: Representation) {
  const settings = settingsFrom(c.env);
  const kv = c.env.ARTICLES;
  let index: FeedIndex;
  let view: FeedView;
  const format = typeof rep.render === "string" ? rep.render : undefined;
  /** The document, or (for a delta) only the items `shown` picks: its head always speaks for the whole document. */
  const render = async (shown: (item: FeedIndex["items"][number]) => boolean = () => true) => {
    const articles = await readFeedArticles(kv, index.items);
    if (typeof rep.render !== "string") return rep.render(buildFeed(settings, articles, view), settings, view);
    const picked = index.items.flatMap((item, i) => (shown(item) ? [{ article: articles[i] as Article, etag: item[1] }] : []));
    return encodeFeed(
      settings,
      rep.render,
      feedMeta(settings, articles, view),
      picked.map((p) => p.article),
      picked.map((p) => p.etag),
    );
  };
  return serveVersioned(
    c,
    rep.type,
    async () => {
      const stored = await readFeedIndex(kv, KEYS.feed(scopeKey(scope), page), settings.responseCache ? INDEX_REUSE_MS : 0);
      // The main feed exists from the start; a scope or page exists once an article puts it there.
      if (!stored && (scope.kind !== "main" || page))
        problem(404, "Nothing is published here: no article has this section, author, tag or page.");
      index = stored ?? EMPTY_FEED;
      const ready = await prepared(c.env, settings, scope, index, rep);
      view = ready.view;
      return ready.version;
    },
    () => render(),
    format &&
      (async (named) => {
        for (const [version, seq] of index.history) {
          if (named(await etagOf(c.env, version, rep.name))) return render(([, , changed]) => changed > seq);
        }
        return undefined;
      }),
  );
}
