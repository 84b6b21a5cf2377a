import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { KEYS, MAIN_SCOPE, readArticle, readFeedArticles, readFeedIndex } from "../src/store";
import { countingKv, feedIndex, makeArticle, manyArticles, publish, request, SETTINGS } from "./helpers";

/** KV operations one request for `path` costs. */
async function costOf(path: string) {
  const { kv, counts } = countingKv(env.ARTICLES);
  const res = await request(path, undefined, { ARTICLES: kv });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return counts;
}

describe("the KV layout", () => {
  it("keeps each article once, under its own key, beside one index per feed", async () => {
    await publish([makeArticle({ id: "one" })]);
    await publish([makeArticle({ id: "one", title: "Edited" })]);
    const keys = (await env.ARTICLES.list()).keys.map((k) => k.name);
    expect(keys.sort()).toEqual([KEYS.article("one"), KEYS.feed("author:ann-writer"), KEYS.feed(MAIN_SCOPE), KEYS.scopes]);
    expect((await readFeedArticles(env.ARTICLES, (await feedIndex()).items)).map((a) => a.title)).toEqual(["Edited"]);
  });

  it("indexes exactly the current document's items, newest first, with the newest update as Last-Modified", async () => {
    const articles = manyArticles(SETTINGS.itemsPerFeed + 5);
    await publish(articles.toReversed());
    const index = await feedIndex();
    // Under twice the page size, everything is current.
    expect(index.items.map(([id]) => id)).toEqual(articles.toReversed().map((a) => a.id));
    expect(index.lastModified).toBe(Date.parse(articles.at(-1)?.updated ?? ""));
  });

  it("changes a document's version when an item in it changes, and only that document's", async () => {
    const articles = manyArticles(SETTINGS.itemsPerFeed * 2);
    const [oldest, newest] = [articles[0], articles.at(-1)];
    if (!oldest || !newest) throw new Error("no articles");
    await publish(articles);
    const before = { current: (await feedIndex()).version, archive: (await feedIndex(KEYS.feed(MAIN_SCOPE, 1))).version };
    await publish([{ ...oldest, title: "Edited, in the archive" }]);
    expect((await feedIndex()).version).toBe(before.current);
    expect((await feedIndex(KEYS.feed(MAIN_SCOPE, 1))).version).not.toBe(before.archive);
    await publish([{ ...newest, title: "Edited newest" }]);
    expect((await feedIndex()).version).not.toBe(before.current);
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
    await publish([article]);
    expect(await readArticle(env.ARTICLES, article.id)).toEqual({ article });
  });
});

describe("the cost of serving a feed", () => {
  it("keeps the index object when KV answers the same version again, so what was made from it is reused", async () => {
    await publish([makeArticle()]);
    const kv = countingKv(env.ARTICLES).kv; // an isolate of its own
    const first = await readFeedIndex(kv, KEYS.feed(MAIN_SCOPE), 0);
    const again = await readFeedIndex(kv, KEYS.feed(MAIN_SCOPE), 0); // no reuse window: KV is read again
    expect(again).toBe(first);
    await publish([makeArticle({ id: "newer", published: "2026-06-01T00:00:00Z" })]);
    const changed = await readFeedIndex(kv, KEYS.feed(MAIN_SCOPE), 0);
    expect(changed).not.toBe(first);
    expect(changed?.items.map(([id]) => id)).toContain("newer");
  });

  it("reads a feed's index with KV's shortest edge cache time (30 s), so a publish reaches every location soonest", async () => {
    await publish([makeArticle()]);
    const options: unknown[] = [];
    const kv = new Proxy(env.ARTICLES, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== "get" || typeof value !== "function") return value;
        return (key: string, opts: unknown) => {
          if (key === KEYS.feed(MAIN_SCOPE)) options.push(opts);
          return value.call(target, key, opts);
        };
      },
    });
    expect((await request("/feed.xml", undefined, { ARTICLES: kv })).status).toBe(200);
    expect(options).toEqual([{ type: "json", cacheTtl: 30 }]);
  });

  it("reads the same KV keys with 10,000 articles stored as with 10, and never lists", async () => {
    const paths = ["/feed.xml", "/atom.xml", "/feed.json", "/"];
    const all = manyArticles(10_000);
    await publish(all.slice(0, 10));
    const small = [];
    for (const path of paths) small.push(await costOf(path));
    await publish(all.slice(10));
    const large = [];
    for (const path of paths) large.push(await costOf(path));
    expect(large).toEqual(small);
    // One index read, one bulk read per 100 items.
    const expected = { reads: 1 + Math.ceil(SETTINGS.itemsPerFeed / 100), writes: 0, lists: 0, deletes: 0 };
    expect(large).toEqual(paths.map(() => expected));
  });
});
