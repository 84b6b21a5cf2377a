import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { toItem } from "../src/feed/model";
import { forgetResponses } from "../src/http/representation";
import { forgetFeedIndexes } from "../src/store";
import { makeArticle, manyArticles, publish, request, SETTINGS, seedArticle } from "./helpers";

/** What Chromium sends when a person opens a URL. */
const NAVIGATION = {
  "Sec-Fetch-Dest": "document",
  "Sec-Fetch-Mode": "navigate",
  "Sec-Fetch-Site": "none",
  Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8",
};
/** What a feed reader sends: no Fetch Metadata. */
const READER = { Accept: "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8" };
const VARY = "Accept-Encoding, Sec-Fetch-Dest, Accept";

const get = (path: string, headers: Record<string, string> = {}, bindings: Partial<Env> = {}) => request(path, { headers }, bindings);

/** Every kind of feed document: three formats, a section's, an author's and a tag's, and an archive page. */
const FEEDS = [
  ["/feed.xml", "application/rss+xml"],
  ["/atom.xml", "application/atom+xml"],
  ["/feed.json", "application/feed+json"],
  ["/sections/world/atom.xml", "application/atom+xml"],
  ["/authors/mark-browne/feed.json", "application/feed+json"],
  ["/tags/venezuela/feed.xml", "application/rss+xml"],
  ["/archive/1/feed.xml", "application/rss+xml"],
] as const;

/** The seed, and enough articles for the main feed to have an archive page. */
const seed = () => publish([seedArticle(), ...manyArticles(SETTINGS.itemsPerFeed * 2)]);

describe("a feed URL opened in a browser", () => {
  it.each(FEEDS)("%s: a readable HTML preview: title, the address to copy, items, the raw document", async (path) => {
    await seed();
    const res = await get(path, NAVIGATION);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("Vary")).toBe(VARY);
    // Only the browser's own cache keeps it: a shared cache that ignored Vary could never hand it to a reader.
    expect(res.headers.get("Cache-Control")).toMatch(/^private, max-age=\d+/);
    const page = await res.text();
    expect(page).toContain(`<code class="address">${SETTINGS.siteUrl}${path}</code>`);
    expect(page).toContain(`<a href="${SETTINGS.siteUrl}${path}?raw">The feed document itself</a>`);
    expect(page).toMatch(/<h2><a href="http[^"]+">[^<]+<\/a><\/h2>/);
    expect(page).toContain('<link rel="alternate"');
  });

  it("shows each item's title, link, date, authors, summary and image", async () => {
    await publish([seedArticle()]);
    const page = await (await get("/feed.xml", NAVIGATION)).text();
    expect(page).toContain("<h1>feedwire demo newsroom</h1>");
    expect(page).toContain(`<h2><a href="${SETTINGS.siteUrl}/articles/maduro-considering-asylum">Venezuelan President`);
    expect(page).toContain('<time datetime="2017-07-20T20:12:00-04:00">Jul 20, 2017</time>');
    expect(page).toContain(`<a href="${SETTINGS.siteUrl}/authors/mark-browne">Mark Browne</a>`);
    expect(page).toMatch(
      /<img src="http:\/\/localhost:8787\/media\/maduro-considering-asylum\.svg" alt="Venezuelan President Nicolas Maduro"/,
    );
    // The seed has no summary: its first paragraph stands in, as in RSS.
    expect(page).toContain(toItem(SETTINGS, seedArticle()).excerptHtml);
  });

  it("marks an item in another language, right to left where it is written so", async () => {
    await publish([makeArticle({ id: "ar", language: "ar", title: "عنوان" }), makeArticle({ id: "fr", language: "fr" })]);
    const page = await (await get("/feed.xml", NAVIGATION)).text();
    expect(page).toContain('<li class="story" lang="ar" dir="rtl">');
    expect(page).toContain('<li class="story" lang="fr" dir="ltr">');
  });

  it("has an ETag of its own, never the feed's, and answers 304 to its own only", async () => {
    await seed();
    const feed = await get("/feed.xml", READER);
    const preview = await get("/feed.xml", NAVIGATION);
    const [feedTag, previewTag] = [feed.headers.get("ETag") ?? "", preview.headers.get("ETag") ?? ""];
    expect(previewTag).not.toBe(feedTag);
    expect((await get("/feed.xml", { ...NAVIGATION, "If-None-Match": previewTag })).status).toBe(304);
    expect((await get("/feed.xml", { ...READER, "If-None-Match": feedTag })).status).toBe(304);
    const crossed = await get("/feed.xml", { ...NAVIGATION, "If-None-Match": feedTag });
    expect(crossed.status).toBe(200);
    expect(crossed.headers.get("Content-Type")).toContain("text/html");
    expect((await get("/feed.xml", { ...READER, "If-None-Match": previewTag })).status).toBe(200);
  });
});

describe("feed readers", () => {
  it.each(FEEDS)("%s: get exactly the document, whatever a browser asked for before or after", async (path, type) => {
    await seed();
    const plain = await get(path);
    const bytes = await plain.text();
    expect(plain.headers.get("Content-Type")).toBe(`${type}; charset=utf-8`);
    expect(plain.headers.get("Vary")).toBe(VARY);
    expect(plain.headers.get("Cache-Control")).toMatch(/^public, /);
    for (const headers of [NAVIGATION, READER, {}, NAVIGATION, READER]) {
      const res = await get(path, headers);
      const isNavigation = headers === NAVIGATION;
      expect(res.headers.get("Content-Type"), JSON.stringify(headers)).toBe(
        isNavigation ? "text/html; charset=utf-8" : `${type}; charset=utf-8`,
      );
      if (!isNavigation) expect(await res.text()).toBe(bytes);
    }
  });

  it.each([
    ["a fetch from a page's script", { ...NAVIGATION, "Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors" }],
    ["a navigation that asks for the feed first", { ...NAVIGATION, Accept: "application/rss+xml, text/html;q=0.9" }],
    ["a navigation that accepts anything", { ...NAVIGATION, Accept: "*/*" }],
    ["an iframe", { ...NAVIGATION, "Sec-Fetch-Dest": "iframe" }],
  ])("%s gets the feed", async (_, headers) => {
    await seed();
    expect((await get("/feed.xml", headers)).headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
  });

  it("the preview's link to the raw document (?raw) gets the feed in a browser too", async () => {
    await seed();
    const raw = await get("/atom.xml?raw", NAVIGATION);
    expect(raw.headers.get("Content-Type")).toBe("application/atom+xml; charset=utf-8");
    expect(await raw.text()).toBe(await (await get("/atom.xml")).text());
  });
});

describe("no cache layer crosses them", () => {
  it("the Cache API keeps each under its own key: a cold isolate gets each its own", async () => {
    await seed();
    const feed = await (await get("/feed.json", READER)).text();
    const preview = await (await get("/feed.json", NAVIGATION)).text();
    for (const first of [READER, NAVIGATION]) {
      forgetResponses(env); // a cold isolate: the Cache API holds both
      const order = first === READER ? [READER, NAVIGATION] : [NAVIGATION, READER];
      for (const headers of order) expect(await (await get("/feed.json", headers)).text()).toBe(headers === READER ? feed : preview);
    }
  });

  it("when KV fails, each gets its own last good copy (stale-if-error)", async () => {
    await seed();
    let failing = false;
    const kv = new Proxy(env.ARTICLES, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== "get" || typeof value !== "function") return value;
        return (...args: unknown[]) => (failing ? Promise.reject(new Error("KV unavailable")) : value.apply(target, args));
      },
    });
    const feed = await (await get("/feed.xml", READER, { ARTICLES: kv })).text();
    const preview = await (await get("/feed.xml", NAVIGATION, { ARTICLES: kv })).text();
    failing = true;
    forgetFeedIndexes(kv);
    expect(await (await get("/feed.xml", NAVIGATION, { ARTICLES: kv })).text()).toBe(preview);
    forgetFeedIndexes(kv);
    expect(await (await get("/feed.xml", READER, { ARTICLES: kv })).text()).toBe(feed);
  });
});
