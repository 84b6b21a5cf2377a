import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { slugify } from "../src/scopes";
import { countingKv, makeArticle, manyArticles, publish, publisher, request, retract, SETTINGS } from "./helpers";
import { fetchFeed } from "./parse";

const FILES = ["feed.xml", "atom.xml", "feed.json"];
const WORLD = makeArticle({ id: "world-1", title: "World story", section: "World", authors: [{ name: "Ann Writer" }], tags: ["Climate"] });
const SCIENCE = makeArticle({ id: "science-1", title: "Science story", section: "Science", authors: [{ name: "Bo Reporter" }], tags: [] });
const etagOf = async (path: string) => (await request(path)).headers.get("ETag");

describe("slugs", () => {
  it("are lower case letters and digits of any script, joined by hyphens", () => {
    expect(slugify("Politique étrangère")).toBe("politique-etrangere");
    expect(slugify("  Science & Tech  ")).toBe("science-tech");
    expect(slugify("田中 悠")).toBe("田中-悠");
    expect(slugify("+++")).toMatch(/^x-[0-9a-f]{8}$/);
    expect(slugify("+++")).toBe(slugify("+++"));
    expect(slugify("😀".repeat(100))).not.toBe(slugify("+++"));
  });
});

describe("section, author and tag feeds", () => {
  it.each([
    ["sections/world", "World"],
    ["authors/ann-writer", "Ann Writer"],
    ["tags/climate", "Climate"],
  ])("/%s/ has its own title, self link and items, in every format", async (scope, name) => {
    await publish([WORLD, SCIENCE]);
    for (const file of FILES) {
      const doc = await fetchFeed(`/${scope}/${file}`);
      expect(doc.ids).toEqual([`tag:${SETTINGS.idAuthority}:world-1`]);
      expect(doc.link("self")).toBe(`${SETTINGS.siteUrl}/${scope}/${file}`);
      expect(doc.res.headers.get("Link")).toContain(`<${SETTINGS.siteUrl}/${scope}/${file}>; rel="self"`);
      const title = doc.format === "atom" ? doc.feed.title.value : doc.feed.title;
      expect(title).toBe(`${name} · ${SETTINGS.title}`);
    }
  });

  it("keeps other scopes' validators when an article changes", async () => {
    await publish([WORLD, SCIENCE]);
    const paths = ["/sections/world/feed.xml", "/sections/science/feed.xml", "/authors/bo-reporter/atom.xml", "/feed.json"];
    const before = await Promise.all(paths.map(etagOf));
    await publish([{ ...WORLD, title: "World story, corrected", updated: "2026-03-02T00:00:00Z" }]);
    const after = await Promise.all(paths.map(etagOf));
    expect(after[0]).not.toBe(before[0]); // its section
    expect(after[1]).toBe(before[1]); // another section
    expect(after[2]).toBe(before[2]); // an author it does not have
    expect(after[3]).not.toBe(before[3]); // the main feed
  });

  it("follows an article that moves to another section, and drops a scope left empty", async () => {
    await publish([WORLD, SCIENCE]);
    await publish([{ ...WORLD, section: "Science", updated: "2026-03-02T00:00:00Z" }]);
    expect((await fetchFeed("/sections/science/feed.json")).ids).toHaveLength(2);
    expect((await request("/sections/world/feed.json")).status).toBe(404);
  });

  it("drops a retracted article from every feed it was in", async () => {
    await publish([WORLD, makeArticle({ id: "world-2", section: "World", tags: ["Climate"] })]);
    await retract("world-2");
    for (const path of ["/feed.xml", "/sections/world/feed.xml", "/tags/climate/feed.xml", "/authors/ann-writer/feed.xml"]) {
      expect((await fetchFeed(path)).ids, path).toEqual([`tag:${SETTINGS.idAuthority}:world-1`]);
    }
  });

  it("answers 404 (problem+json) for a section, author or tag no article has", async () => {
    await publish([WORLD]);
    for (const path of ["/sections/sport/feed.xml", "/authors/nobody/atom.xml", "/tags/none/feed.json", "/sections/World/feed.xml"]) {
      const res = await request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    }
  });

  it("has its own archive pages", async () => {
    await publish(manyArticles(SETTINGS.itemsPerFeed * 2).map((a) => ({ ...a, section: "World" })));
    const current = await fetchFeed("/sections/world/atom.xml");
    expect(current.link("prev-archive")).toBe(`${SETTINGS.siteUrl}/sections/world/archive/1/atom.xml`);
    const page = await fetchFeed("/sections/world/archive/1/atom.xml");
    expect(page.link("current")).toBe(`${SETTINGS.siteUrl}/sections/world/atom.xml`);
    expect(page.ids.length + current.ids.length).toBe(SETTINGS.itemsPerFeed * 2);
  });

  it("costs the same KV reads with 2,000 articles in the section as with 10", async () => {
    const articles = manyArticles(2000).map((a) => ({ ...a, section: "World" }));
    const cost = async () => {
      const { kv, counts } = countingKv(env.ARTICLES);
      const res = await request("/sections/world/feed.xml", {}, { ARTICLES: kv });
      await res.arrayBuffer();
      return counts;
    };
    await publish(articles.slice(0, 10));
    const small = await cost();
    await publish(articles.slice(10));
    const large = await cost();
    expect(small).toEqual({ reads: 2, writes: 0, lists: 0, deletes: 0 });
    expect(large).toEqual(small);
  });
});

describe("a scope that is emptied", () => {
  afterEach(() => vi.useRealTimers());

  it("answers 404 in an isolate that had read it, once KV has had time to catch up", async () => {
    await publish([makeArticle({ id: "a", tags: ["Gone"] })]);
    expect((await request("/tags/gone/feed.json")).status).toBe(200); // this isolate keeps the index
    await publisher().remove("a"); // retracted through another isolate: this one is not told
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 }); // past KV's 60 s edge cache
    expect((await request("/tags/gone/feed.json")).status).toBe(404);
  });

  it("keeps Last-Modified moving forward when it is made again", async () => {
    await publish([makeArticle({ id: "a", tags: ["Back"], published: "2026-03-01T09:00:00Z" })]);
    const before = Date.parse((await request("/tags/back/atom.xml")).headers.get("Last-Modified") ?? "");
    await retract("a");
    await publish([makeArticle({ id: "b", tags: ["Back"], published: "2020-01-01T00:00:00Z" })]); // older than a
    const after = Date.parse((await request("/tags/back/atom.xml")).headers.get("Last-Modified") ?? "");
    expect(after).toBeGreaterThan(before);
  });
});
