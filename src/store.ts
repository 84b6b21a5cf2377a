import * as z from "zod";
import type { Article } from "./article";

/**
 * The only module that touches KV; every key is built here. KV is the edge copy the
 * public routes read; the Publisher Durable Object (src/publisher.ts) is the only writer.
 *
 * | key              | value                                                                  |
 * | ---------------- | ---------------------------------------------------------------------- |
 * | `article:{id}`   | one article (the JSON of src/article.ts), or `{ id, retracted }` once retracted |
 * | `feed:{scope}`   | the feed's items as ids, newest first, with its version and Last-Modified |
 *
 * A feed costs one read of its `feed:` key plus one bulk read per 100 items, whatever
 * the size of the archive: no `list()` on the read path (the free plan allows 1,000 a day).
 */
export const KEYS = {
  article: (id: string) => `article:${id}`,
  feed: (scope: string) => `feed:${scope}`,
} as const;

export const MAIN_SCOPE = "main";

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
  /** Changes exactly when the feed's items or their content change. */
  version: z.string(),
  /** The newest `updated` among the items, ms since the epoch (0 when empty). */
  lastModified: z.number(),
  ids: z.array(z.string()),
});
export type FeedIndex = z.output<typeof FeedIndexSchema>;

export const EMPTY_FEED: FeedIndex = { version: "empty", lastModified: 0, ids: [] };

export type StoredArticle = { article: Article } | { retracted: string };

export async function readArticle(kv: KVNamespace, id: string): Promise<StoredArticle | null> {
  const raw = await kv.get(KEYS.article(id), "json");
  if (raw === null) return null;
  const retraction = RetractionSchema.safeParse(raw);
  return retraction.success ? { retracted: retraction.data.retracted } : { article: StoredArticleSchema.parse(raw) };
}

/** Feed indexes this isolate read recently, per namespace: a hot poll then reads no KV at all. */
const recent = new WeakMap<KVNamespace, Map<string, { at: number; index: Promise<FeedIndex> }>>();

/**
 * A feed's index. With `reuseMs`, an index this isolate read that recently is reused
 * (KV itself caches reads at the edge for 60 s; this adds at most `reuseMs`).
 */
export function readFeedIndex(kv: KVNamespace, scope = MAIN_SCOPE, reuseMs = 0): Promise<FeedIndex> {
  let known = recent.get(kv);
  if (!known) {
    known = new Map();
    recent.set(kv, known);
  }
  const hit = known.get(scope);
  if (hit && Date.now() - hit.at < reuseMs) return hit.index;
  const index = kv.get(KEYS.feed(scope), "json").then((raw) => (raw === null ? EMPTY_FEED : FeedIndexSchema.parse(raw)));
  known.set(scope, { at: Date.now(), index });
  index.catch(() => known.delete(scope));
  return index;
}

/** After a publish through this isolate: its next request reads the feed indexes afresh. */
export const forgetFeedIndexes = (kv: KVNamespace) => recent.delete(kv);

/**
 * The articles of a feed index, in its order: one bulk read per 100. Throws when one
 * is not readable here yet (KV replicates keys independently): a feed missing an item
 * must never be served, or cached, under the index's version.
 */
export async function readFeedArticles(kv: KVNamespace, index: FeedIndex): Promise<Article[]> {
  const keys = index.ids.map(KEYS.article);
  const chunks: string[][] = [];
  for (let i = 0; i < keys.length; i += BULK_GET_MAX) chunks.push(keys.slice(i, i + BULK_GET_MAX));
  const maps = await Promise.all(chunks.map((chunk) => kv.get(chunk, "json")));
  return chunks.flatMap((chunk, i) =>
    chunk.map((key) => {
      const raw = maps[i]?.get(key);
      if (raw == null || RetractionSchema.safeParse(raw).success) throw new Error(`${key} is listed in the feed but not readable here yet`);
      return StoredArticleSchema.parse(raw);
    }),
  );
}

export const writeArticle = (kv: KVNamespace, article: Article) => kv.put(KEYS.article(article.id), JSON.stringify(article));

/** A retracted article keeps a tombstone, so its page can answer 410 Gone rather than 404. */
export const writeRetraction = (kv: KVNamespace, id: string, at: string) => kv.put(KEYS.article(id), JSON.stringify({ id, retracted: at }));

export const writeFeedIndex = (kv: KVNamespace, index: FeedIndex, scope = MAIN_SCOPE) => kv.put(KEYS.feed(scope), JSON.stringify(index));
