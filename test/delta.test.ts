import { describe, expect, it } from "vitest";
import { makeArticle, manyArticles, publish, request, SETTINGS } from "./helpers";
import { fetchFeed } from "./parse";

const FEEDS = ["/feed.xml", "/atom.xml", "/feed.json"];
const id = (name: string) => `tag:${SETTINGS.idAuthority}:${name}`;

describe("delta feeds (RFC 3229, A-IM: feed)", () => {
  it.each(FEEDS)("%s: 226 IM Used with only the items added or changed since the client's version", async (path) => {
    const articles = manyArticles(5);
    await publish(articles);
    const old = (await request(path)).headers.get("ETag") ?? "";
    await publish([
      makeArticle({ id: "new-one", published: "2026-05-01T00:00:00Z" }),
      { ...(articles[1] as (typeof articles)[number]), title: "Edited", updated: "2026-05-02T00:00:00Z" },
    ]);
    const full = await request(path);
    // A list naming an unknown tag and the client's version: the version it knows is the base.
    const delta = await fetchFeed(path, { headers: { "A-IM": "feed", "If-None-Match": `"unknown", ${old}` } }, 226);
    const { res } = delta;
    expect(res.headers.get("IM")).toBe("feed");
    expect(res.headers.get("ETag")).toBe(full.headers.get("ETag"));
    // A delta answers one client's If-None-Match: no shared cache may keep or reuse it.
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Vary")).toContain("A-IM");
    expect(res.headers.get("Vary")).toContain("If-None-Match");
    // Read by the parser like any feed: the same document, with only what changed.
    expect(delta.ids).toEqual([id("new-one"), id("item-1")]);
  });

  it.each(["/feed.xml", "/atom.xml"])("%s: the delta's own dates are the whole document's, not its items'", async (path) => {
    const articles = manyArticles(5); // hourly from 2020-01-01T00:00Z
    await publish(articles);
    const old = (await request(path)).headers.get("ETag") ?? "";
    await publish([{ ...(articles[1] as (typeof articles)[number]), title: "Corrected", updated: "2020-01-01T03:30:00Z" }]);
    const delta = await fetchFeed(path, { headers: { "A-IM": "feed", "If-None-Match": old } }, 226);
    expect(delta.ids).toEqual([id("item-1")]);
    const whole = await fetchFeed(path);
    for (const field of ["updated", "lastBuildDate", "pubDate"]) expect(delta.feed[field], field).toEqual(whole.feed[field]);
    expect(delta.body).toContain(path.endsWith("atom.xml") ? "2020-01-01T04:00:00" : "Wed, 01 Jan 2020 04:00:00");
  });

  it("gives the whole feed for a version it does not know, 304 for the current one, and ignores If-None-Match deltas without A-IM", async () => {
    await publish(manyArticles(3));
    const full = await request("/atom.xml");
    const etag = full.headers.get("ETag") ?? "";
    const unknown = await request("/atom.xml", { headers: { "A-IM": "feed", "If-None-Match": '"not-a-version.atom.x"' } });
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toBe(await full.text());
    expect((await request("/atom.xml", { headers: { "A-IM": "feed", "If-None-Match": etag } })).status).toBe(304);
    await publish([makeArticle({ id: "later", published: "2026-06-01T00:00:00Z" })]);
    const plain = await request("/atom.xml", { headers: { "If-None-Match": etag } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("IM")).toBeNull();
  });

  it("does not take another format's version as a base", async () => {
    await publish(manyArticles(2));
    const rssTag = (await request("/feed.xml")).headers.get("ETag") ?? "";
    await publish([makeArticle({ id: "later", published: "2026-06-01T00:00:00Z" })]);
    expect((await request("/atom.xml", { headers: { "A-IM": "feed", "If-None-Match": rssTag } })).status).toBe(200);
  });

  it("works with deltas over several versions, and compresses like the full feed", async () => {
    await publish(manyArticles(2));
    const gzip = { "Accept-Encoding": "gzip" };
    const first = (await request("/feed.json", { headers: gzip })).headers.get("ETag") ?? "";
    await publish([makeArticle({ id: "second", published: "2026-06-01T00:00:00Z" })]);
    await publish([makeArticle({ id: "third", published: "2026-06-02T00:00:00Z" })]);
    const res = await request("/feed.json", { headers: { "A-IM": "feed", "If-None-Match": first, ...gzip } });
    expect(res.status).toBe(226);
    expect(res.headers.get("ETag")).toBe((await request("/feed.json", { headers: gzip })).headers.get("ETag"));
    const feed = JSON.parse(await new Response(res.body?.pipeThrough(new DecompressionStream("gzip"))).text());
    expect(feed.items.map((i: { id: string }) => i.id)).toEqual([id("third"), id("second")]);
  });
});
