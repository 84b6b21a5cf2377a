/**
 * KV operations per request on each read path, with 10, 10,000 and 100,000 articles
 * stored (`npm run bench` runs it and reads the KVCOST line). The archive is written
 * straight to KV with the store's own writers: the read path is what is measured.
 */
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { articleEtag } from "../src/article";
import { KEYS, MAIN_SCOPE, writeArticle, writeFeedIndex } from "../src/store";
import { countingKv, manyArticles, request, SETTINGS } from "../test/helpers";

async function store(from: number, to: number) {
  const articles = manyArticles(to).slice(from);
  for (let i = 0; i < articles.length; i += 1000) await Promise.all(articles.slice(i, i + 1000).map((a) => writeArticle(env.ARTICLES, a)));
  const newest = manyArticles(to).slice(-SETTINGS.itemsPerFeed).reverse();
  await writeFeedIndex(env.ARTICLES, KEYS.feed(MAIN_SCOPE), {
    version: `v${to}`,
    lastModified: Date.parse(newest[0]?.updated ?? ""),
    page: 0,
    items: newest.map((a): [string, string, number] => [a.id, articleEtag(a), 1]),
    history: [[`v${to}`, 1]],
  });
}

async function costs() {
  const { kv, counts } = countingKv(env.ARTICLES);
  const reads = async (headers: Record<string, string> = {}) => {
    const before = counts.reads + counts.lists;
    const res = await request("/feed.xml", { headers }, { ARTICLES: kv });
    await res.arrayBuffer();
    return { status: res.status, etag: res.headers.get("ETag") ?? "", ops: counts.reads + counts.lists - before };
  };
  const miss = await reads();
  const hot = await reads();
  const notModified = await reads({ "If-None-Match": miss.etag });
  expect([miss.status, hot.status, notModified.status]).toEqual([200, 200, 304]);
  return { miss: miss.ops, hot: hot.ops, notModified: notModified.ops, writes: counts.writes };
}

it("counts KV operations per request", { timeout: 600_000 }, async () => {
  const result: Record<string, unknown> = {};
  let stored = 0;
  for (const size of [10, 10_000, 100_000]) {
    await store(stored, size);
    stored = size;
    result[size] = await costs();
  }
  console.log(`KVCOST ${JSON.stringify(result)}`);
});
