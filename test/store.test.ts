import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { INDEX_DEPTH, KEYS, latestArticles, MAIN_SCOPE, putArticles, seedEntries } from "../src/store";
import { countingKv, makeArticle, manyArticles, request, SETTINGS } from "./helpers";

/** Stores `count` articles the way the loader does: one bulk of entries. */
async function store(count: number) {
  const entries = seedEntries(manyArticles(count));
  for (let i = 0; i < entries.length; i += 500) {
    await Promise.all(entries.slice(i, i + 500).map(({ key, value }) => env.ARTICLES.put(key, value)));
  }
}

/** KV operations one request for `path` costs. */
async function costOf(path: string) {
  const { kv, counts } = countingKv(env.ARTICLES);
  const res = await request(path, undefined, { ARTICLES: kv });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return counts;
}

describe("store", () => {
  it("keeps each article once, under its own key", async () => {
    await putArticles(env.ARTICLES, [makeArticle({ id: "one" })]);
    await putArticles(env.ARTICLES, [makeArticle({ id: "one", title: "Edited" })]);
    const keys = (await env.ARTICLES.list()).keys.map((k) => k.name);
    expect(keys.sort()).toEqual([KEYS.article("one"), KEYS.index(MAIN_SCOPE)]);
    expect((await latestArticles(env.ARTICLES, 10)).map((a) => a.title)).toEqual(["Edited"]);
  });

  it("builds the same index whether loaded in bulk or article by article", async () => {
    const articles = manyArticles(30);
    for (const a of articles.toReversed()) await putArticles(env.ARTICLES, [a]);
    const stepwise = await env.ARTICLES.get(KEYS.index(MAIN_SCOPE));
    const bulk = seedEntries(articles).find((e) => e.key === KEYS.index(MAIN_SCOPE))?.value;
    expect(stepwise).toBe(bulk);
  });

  it(`indexes only the newest ${INDEX_DEPTH} articles`, async () => {
    const index = JSON.parse(seedEntries(manyArticles(INDEX_DEPTH + 20)).at(-1)?.value ?? "");
    expect(index.entries).toHaveLength(INDEX_DEPTH);
    expect(index.entries[0][0]).toBe(`item-${INDEX_DEPTH + 19}`);
  });

  it("round-trips every field of an article", async () => {
    const article = makeArticle({
      url: "https://example.com/a",
      image: { url: "https://example.com/a.jpg", caption: "C", credit: "K", width: 10, height: 5, type: "image/jpeg" },
      authors: [{ name: "Zoë", email: "zoe@example.com", url: "https://example.com/zoe" }, { name: "田中 悠" }],
      tags: ["x", "y"],
      section: "World",
      dateline: "Lisbon",
      language: "pt-PT",
      updated: "2026-03-05T00:00:00Z",
    });
    await putArticles(env.ARTICLES, [article]);
    expect(await latestArticles(env.ARTICLES, 1)).toEqual([article]);
  });
});

describe("the cost of serving a feed", () => {
  it("reads the same KV keys with 10,000 articles stored as with 10, and never lists", async () => {
    const paths = ["/feed.xml", "/atom.xml", "/feed.json", "/"];
    await store(10);
    const small = [];
    for (const path of paths) small.push(await costOf(path));
    await store(10_000);
    const large = [];
    for (const path of paths) large.push(await costOf(path));
    expect(large).toEqual(small);
    // One index read, one bulk read per 100 items.
    const expected = { reads: 1 + Math.ceil(SETTINGS.itemsPerFeed / 100), writes: 0, lists: 0, deletes: 0 };
    expect(large).toEqual(paths.map(() => expected));
  });
});
