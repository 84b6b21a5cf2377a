import * as z from "zod";
import { type Article, articleEtag } from "./article";
import { MAIN, scopeKey } from "./scopes";

/**
 * The only module that touches KV; every key is built here. KV is the edge copy the
 * public routes read; the Publisher Durable Object (src/publisher.ts) is the only writer.
 *
 * | key                     | value                                                                  |
 * | ----------------------- | ---------------------------------------------------------------------- |
 * | `article:{id}`          | one article (the JSON of src/article.ts), or `{ id, retracted }` once retracted; none while scheduled |
 * | `feed:{scope}`          | a scope's current feed document: its items as `[id, etag, seq]`, newest first, version, Last-Modified, archive links |
 * | `feed:{scope}:{page}`   | one archive page of that scope (RFC 5005), the same shape                |
 * | `scopes`                | every scope that has articles: `[kind, slug, name]`, for /feeds.opml     |
 * | `media:{name}`          | an uploaded image's bytes, with its type and ETag as metadata; the API writes it (writeMedia) |
 *
 * `{scope}` is `main`, `section:{slug}`, `author:{slug}` or `tag:{slug}` (src/scopes.ts).
 * A feed costs one read of its `feed:` key plus one bulk read per 100 items, whatever
 * the size of the archive: no `list()` on the read path (the free plan allows 1,000 a day).
 */
export const KEYS = {
  article: (id: string) => `article:${id}`,
  /** Page 0 is the current document. */
  feed: (scope: string, page = 0) => (page ? `feed:${scope}:${page}` : `feed:${scope}`),
  scopes: "scopes",
  media: (name: string) => `media:${name}`,
} as const;

export const MAIN_SCOPE = scopeKey(MAIN);

/** KV reads at most this many keys in one bulk `get` (one operation). */
const BULK_GET_MAX = 100;

/**
 * KV holds only articles ArticleSchema accepted. Reads check their shape against the
 * same type (the compiler keeps the two in step) without re-running the sanitising
 * and format checks: measured in workerd, 0.1 ms for 50 articles instead of 0.6 ms.
 */
const optional = z.string().optional();
const StoredArticleSchema: z.ZodType<Article> = z.strictObject({
  id: z.string(),
  title: z.string(),
  url: optional,
  summary: optional,
  contentHtml: optional,
  authors: z.array(z.strictObject({ name: z.string(), url: optional, email: optional })),
  published: z.string(),
  updated: z.string(),
  section: optional,
  tags: z.array(z.string()),
  image: z
    .strictObject({
      url: z.string(),
      caption: optional,
      credit: optional,
      width: z.number().optional(),
      height: z.number().optional(),
      type: optional,
    })
    .optional(),
  dateline: optional,
  language: optional,
});

const RetractionSchema = z.strictObject({ id: z.string(), retracted: z.string() });

const FeedIndexSchema = z.strictObject({
  /** Changes exactly when the document's bytes would: its items, their content, its name or links. */
  version: z.string(),
  /** The newest `updated` among the items, ms since the epoch, moved forward on every change (0 when empty). */
  lastModified: z.number(),
  /** The scope's name as articles spell it (absent for the main feed). */
  name: z.string().optional(),
  /** 0 for the current document, else the archive page's number (stable: never renumbered). */
  page: z.number().int(),
  /** The next older archive page (RFC 5005 prev-archive), if any. */
  older: z.number().int().optional(),
  /** On an archive page, the next newer one (next-archive); absent when the next newer is the current document. */
  newer: z.number().int().optional(),
  /**
   * `[id, etag, seq]`, newest first: the etag says which version of the article the
   * document shows, seq the document's change number when that version entered it.
   */
  items: z.array(z.tuple([z.string(), z.string(), z.number()])),
  /** Recent `[version, seq]`, oldest first: the versions a delta (RFC 3229) can start from. */
  history: z.array(z.tuple([z.string(), z.number()])),
});
export type FeedIndex = z.output<typeof FeedIndexSchema>;

export const EMPTY_FEED: FeedIndex = { version: "empty", lastModified: 0, page: 0, items: [], history: [] };

const ScopesSchema = z.strictObject({
  version: z.string(),
  lastModified: z.number(),
  scopes: z.array(z.tuple([z.enum(["section", "author", "tag"]), z.string(), z.string()])),
});
export type ScopeList = z.output<typeof ScopesSchema>;

export type StoredArticle = { article: Article } | { retracted: string };

export async function readArticle(kv: KVNamespace, id: string): Promise<StoredArticle | null> {
  const raw = await kv.get(KEYS.article(id), "json");
  if (raw === null) return null;
  const retraction = RetractionSchema.safeParse(raw);
  return retraction.success ? { retracted: retraction.data.retracted } : { article: StoredArticleSchema.parse(raw) };
}

/**
 * Feed indexes this isolate read recently, per namespace and key: a hot poll then reads
 * no KV at all. `at`: when KV was last asked; `learned`: when this index became known.
 */
const recent = new WeakMap<KVNamespace, Map<string, { at: number; learned: number; index: FeedIndex | null }>>();
const KEPT_INDEXES = 1000;
/**
 * How long an index read stays in KV's edge cache: its minimum, so a publish reaches a
 * location at most this long after KV's propagation does.
 */
const INDEX_CACHE_TTL_S = 30;
/** How long KV may still answer with an older value than one this isolate knows: propagation, usually within 60 s. */
const KV_CATCH_UP_MS = 60_000;

/**
 * A feed document's index by its key (KEYS.feed), or null when there is none. With
 * `reuseMs`, an index this isolate read that recently is reused (KV itself caches reads
 * at the edge for INDEX_CACHE_TTL_S; this adds at most `reuseMs`).
 */
export async function readFeedIndex(kv: KVNamespace, key = KEYS.feed(MAIN_SCOPE), reuseMs = 0): Promise<FeedIndex | null> {
  let read = recent.get(kv);
  if (!read) {
    read = new Map();
    recent.set(kv, read);
  }
  const hit = read.get(key);
  if (hit && Date.now() - hit.at < reuseMs) return hit.index;
  // The value is kept, never the promise: another request may not await this one's I/O.
  const raw = await kv.get(key, { type: "json", cacheTtl: INDEX_CACHE_TTL_S });
  const stored = raw === null ? null : FeedIndexSchema.parse(raw);
  const now = Date.now();
  const known = hit?.index;
  // Last-Modified only moves forward, so while KV's edge cache may still be behind, an
  // older index (or none) from it does not replace a newer one this isolate learned (say,
  // from its own publish). After that, KV is right: a deleted feed is gone.
  const behind = known && now - (hit?.learned ?? 0) < KV_CATCH_UP_MS && (!stored || known.lastModified > stored.lastModified);
  // The same document read again keeps its object, and so what was made from it (src/feed/serve.ts).
  const same = known && stored && known.version === stored.version && known.lastModified === stored.lastModified;
  const entry = hit && (behind || same) ? { ...hit, at: now } : { at: now, learned: now, index: stored };
  read.set(key, entry);
  if (read.size > KEPT_INDEXES) read.delete(read.keys().next().value ?? "");
  return entry.index;
}

/**
 * After a write through this isolate: its next requests use the indexes the Publisher
 * wrote (read-your-writes even where KV's edge cache still holds older ones), or read
 * KV afresh when it did not say which it wrote.
 */
export function rememberFeedIndexes(kv: KVNamespace, written: unknown): void {
  if (written === undefined) {
    forgetFeedIndexes(kv);
    return;
  }
  // It crossed an RPC boundary: checked like a KV read.
  const indexes = z.record(z.string(), FeedIndexSchema.nullable()).parse(written);
  let read = recent.get(kv);
  if (!read) {
    read = new Map();
    recent.set(kv, read);
  }
  for (const [key, index] of Object.entries(indexes)) {
    const known = read.get(key)?.index;
    if (!(index && known && known.lastModified > index.lastModified)) read.set(key, { at: Date.now(), learned: Date.now(), index });
  }
}

/** Drops this isolate's copies of the feed indexes: its next requests read KV. */
export const forgetFeedIndexes = (kv: KVNamespace) => recent.delete(kv);

export async function readScopes(kv: KVNamespace): Promise<ScopeList> {
  const raw = await kv.get(KEYS.scopes, "json");
  return raw === null ? { version: "none", lastModified: 0, scopes: [] } : ScopesSchema.parse(raw);
}

/** Articles this isolate has read, by etag: a version of an article never changes, so it never goes stale. */
const articlesRead = new WeakMap<KVNamespace, { bytes: number; entries: Map<string, { article: Article; bytes: number }> }>();
/** Kept within a fixed share of the isolate's 128 MB, least recently used first out. */
const ARTICLES_KEPT_BYTES = 16 * 1024 * 1024;

/**
 * The articles of a feed index, in its order. Versions this isolate already holds are
 * reused; the rest cost one bulk read per 100. Each read is checked against the etag
 * the index names, and any that is missing or another version (KV replicates keys
 * independently) throws: a feed must never be served, or cached, under a version it
 * does not show.
 */
export async function readFeedArticles(kv: KVNamespace, items: FeedIndex["items"]): Promise<Article[]> {
  let kept = articlesRead.get(kv);
  if (!kept) {
    kept = { bytes: 0, entries: new Map() };
    articlesRead.set(kv, kept);
  }
  const { entries: held } = kept;
  const found = new Map<string, Article>();
  const wanted: [string, string][] = [];
  for (const [id, etag] of items) {
    const entry = held.get(etag);
    if (!entry) {
      wanted.push([id, etag]);
      continue;
    }
    found.set(etag, entry.article);
    held.delete(etag); // re-inserted below: most recently used last
    held.set(etag, entry);
  }
  const chunks: (typeof wanted)[] = [];
  for (let i = 0; i < wanted.length; i += BULK_GET_MAX) chunks.push(wanted.slice(i, i + BULK_GET_MAX));
  await Promise.all(
    chunks.map(async (chunk) => {
      const values = await kv.get(
        chunk.map(([id]) => KEYS.article(id)),
        "json",
      );
      for (const [id, etag] of chunk) {
        const raw = values.get(KEYS.article(id));
        const article = raw == null || RetractionSchema.safeParse(raw).success ? undefined : StoredArticleSchema.parse(raw);
        if (!article || articleEtag(article) !== etag) throw new Error(`article:${id} ${etag} is in the feed but not readable here yet`);
        found.set(etag, article);
        const bytes = JSON.stringify(raw).length * 2;
        if (!held.has(etag)) kept.bytes += bytes;
        held.set(etag, { article, bytes });
      }
    }),
  );
  for (const [etag, entry] of held) {
    if (kept.bytes <= ARTICLES_KEPT_BYTES) break;
    held.delete(etag);
    kept.bytes -= entry.bytes;
  }
  return items.map(([, etag]) => found.get(etag) as Article);
}

export const writeArticle = (kv: KVNamespace, article: Article) => kv.put(KEYS.article(article.id), JSON.stringify(article));

/** A retracted article keeps a tombstone, so its page can answer 410 Gone rather than 404. */
export const writeRetraction = (kv: KVNamespace, id: string, at: string) => kv.put(KEYS.article(id), JSON.stringify({ id, retracted: at }));

/** An article taken back out of public view before its time (rescheduled): its page answers 404 again, as it did before. */
export const deleteArticle = (kv: KVNamespace, id: string) => kv.delete(KEYS.article(id));

export const writeFeedIndex = (kv: KVNamespace, key: string, index: FeedIndex) => kv.put(key, JSON.stringify(index));

/** A scope with no articles left has no feed: its documents answer 404. */
export const deleteFeedIndex = (kv: KVNamespace, key: string) => kv.delete(key);

export const writeScopes = (kv: KVNamespace, list: ScopeList) => kv.put(KEYS.scopes, JSON.stringify(list));

/** Kept as the key's metadata, so one read answers a request, a 304 included. */
const MediaInfoSchema = z.strictObject({ type: z.string(), etag: z.string() });
export type MediaInfo = z.output<typeof MediaInfoSchema>;

/** A media file in one read: its metadata and its bytes as a stream (cancel it when the body is not sent). */
export async function readMedia(kv: KVNamespace, name: string): Promise<(MediaInfo & { body: ReadableStream }) | null> {
  const { value, metadata } = await kv.getWithMetadata(KEYS.media(name), "stream");
  return value && { ...MediaInfoSchema.parse(metadata), body: value };
}

/**
 * Media keys are independent blobs that no index names, so the API writes them itself
 * rather than through the Publisher: there is no shared key whose update could be lost.
 */
export const writeMedia = (kv: KVNamespace, name: string, bytes: ArrayBuffer, info: MediaInfo) =>
  kv.put(KEYS.media(name), bytes, { metadata: info });

export const deleteMedia = (kv: KVNamespace, name: string) => kv.delete(KEYS.media(name));
