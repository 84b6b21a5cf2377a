import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { forgetResponses } from "../src/http/representation";
import { makeArticle, manyArticles, publish, request, SETTINGS, seedArticle } from "./helpers";
import { fetchFeed } from "./parse";

const SEED_URL = `${SETTINGS.siteUrl}/articles/maduro-considering-asylum`;
const SEED_ID = "tag:feedwire.example,2026:maduro-considering-asylum";
const IMAGE_URL = `${SETTINGS.siteUrl}/media/maduro-considering-asylum.svg`;
const FIRST_SENTENCE = "Venezuelan President Nicolas Maduro is actively considering asylum in Russia or Cuba";
const LAST_SENTENCE = "for conspiracy to traffic internationally in cocaine, it noted.";

/** Items (RSS, JSON Feed) or entries (Atom), as the parser gives them. */
const itemsOf = async (path: string) => (await fetchFeed(path)).items;

const titleOf = (item: Record<string, any>): string => item.title?.value ?? item.title;

/** The only item of a feed. */
async function onlyItem(path: string) {
  const items = await itemsOf(path);
  expect(items).toHaveLength(1);
  return items[0] as Record<string, any>;
}

function expectFullBody(html: string) {
  expect(html).toContain(FIRST_SENTENCE);
  expect(html).toContain(LAST_SENTENCE);
  expect(html).toContain('<p class="dateline"><strong>Mexico City</strong></p>');
  expect(html).toContain(`<img src="${IMAGE_URL}"`);
  expect(html).toContain("<figcaption>Venezuelan President Nicolas Maduro <small>Photo: Venezuelan Presidency</small></figcaption>");
  expect(html).not.toContain("CNSNews");
}

describe("the seed article in every format", () => {
  beforeEach(async () => {
    await publish([seedArticle()]);
  });

  it("RSS 2.0", async () => {
    const item = await onlyItem("/feed.xml");
    expect(item.title).toBe("Venezuelan President Reportedly Considering Asylum as Pressure Grows on Regime");
    expect(item.link).toBe(SEED_URL);
    expect(item.guid).toEqual({ value: SEED_ID, isPermaLink: false });
    expect(item.pubDate).toBe("Thu, 20 Jul 2017 20:12:00 -0400");
    expect(item.dc.creators).toEqual(["Mark Browne"]);
    expectFullBody(item.content.encoded);
    expect(item.description).toContain(FIRST_SENTENCE);
    expect(item.categories.map((c: { name: string }) => c.name)).toEqual(["World", "venezuela", "nicolas maduro", "latin america"]);
    expect(item.media.contents[0]).toMatchObject({
      url: IMAGE_URL,
      medium: "image",
      type: "image/svg+xml",
      description: { value: "Venezuelan President Nicolas Maduro" },
      credits: [{ value: "Photo: Venezuelan Presidency" }],
    });
  });

  it("Atom 1.0", async () => {
    const entry = await onlyItem("/atom.xml");
    expect(titleOf(entry)).toBe("Venezuelan President Reportedly Considering Asylum as Pressure Grows on Regime");
    expect(entry.id).toBe(SEED_ID);
    expect(entry.links).toContainEqual({ rel: "alternate", type: "text/html", href: SEED_URL });
    expect(entry.published).toBe("2017-07-20T20:12:00-04:00");
    expect(entry.updated).toBe("2017-07-20T20:12:00-04:00");
    expect(entry.authors).toEqual([{ name: "Mark Browne" }]);
    expect(entry.content.type).toBe("html");
    expectFullBody(entry.content.value);
    expect(entry.media.contents[0]).toMatchObject({
      url: IMAGE_URL,
      description: { value: "Venezuelan President Nicolas Maduro" },
      credits: [{ value: "Photo: Venezuelan Presidency" }],
    });
  });

  it("JSON Feed 1.1", async () => {
    const item = await onlyItem("/feed.json");
    expect(item).toMatchObject({
      id: SEED_ID,
      url: SEED_URL,
      title: "Venezuelan President Reportedly Considering Asylum as Pressure Grows on Regime",
      date_published: "2017-07-20T20:12:00-04:00",
      date_modified: "2017-07-20T20:12:00-04:00",
      authors: [{ name: "Mark Browne" }],
      image: IMAGE_URL,
      tags: ["World", "venezuela", "nicolas maduro", "latin america"],
    });
    expectFullBody(item.content_html);
  });
});

describe("feed documents", () => {
  it.each([
    ["/feed.xml", "application/rss+xml; charset=utf-8"],
    ["/atom.xml", "application/atom+xml; charset=utf-8"],
    ["/feed.json", "application/feed+json; charset=utf-8"],
  ])("%s is served as %s", async (path, type) => {
    const res = await request(path);
    expect(res.headers.get("Content-Type")).toBe(type);
  });

  it("carries the site's settings and self links", async () => {
    await publish([makeArticle()]);
    const rss = await fetchFeed("/feed.xml");
    expect(rss.feed).toMatchObject({
      title: SETTINGS.title,
      description: SETTINGS.description,
      language: "en",
      copyright: SETTINGS.copyright,
      atom: {
        links: [
          { href: `${SETTINGS.siteUrl}/feed.xml`, rel: "self", type: "application/rss+xml" },
          ...SETTINGS.hubs.map((href) => ({ href, rel: "hub" })),
        ],
      },
    });
    const atom = await fetchFeed("/atom.xml");
    expect(atom.feed.links).toEqual([
      { rel: "self", type: "application/atom+xml", href: `${SETTINGS.siteUrl}/atom.xml` },
      ...SETTINGS.hubs.map((href) => ({ rel: "hub", href })),
      { rel: "alternate", type: "text/html", href: `${SETTINGS.siteUrl}/` },
    ]);
    const json = await fetchFeed("/feed.json");
    expect(json.feed).toMatchObject({
      title: SETTINGS.title,
      language: "en",
      feed_url: `${SETTINGS.siteUrl}/feed.json`,
      home_page_url: `${SETTINGS.siteUrl}/`,
    });
  });

  it.each(["/feed.xml", "/atom.xml", "/feed.json"])("%s lists the newest articles not yet archived, newest first", async (path) => {
    // At twice ITEMS_PER_FEED the oldest ITEMS_PER_FEED go to archive page 1; the rest stay current.
    await publish(manyArticles(SETTINGS.itemsPerFeed * 2 + 7));
    const titles = (await itemsOf(path)).map(titleOf);
    const newest = SETTINGS.itemsPerFeed * 2 + 6;
    expect(titles).toEqual(Array.from({ length: SETTINGS.itemsPerFeed + 7 }, (_, n) => `Item ${newest - n}`));
  });

  it("orders by the instant published, whatever the offsets", async () => {
    await publish([
      makeArticle({ id: "tokyo", title: "Tokyo", published: "2026-01-01T08:00:00+09:00" }), // 23:00Z the day before
      makeArticle({ id: "lima", title: "Lima", published: "2025-12-31T19:00:00-05:00" }), // 00:00Z
    ]);
    expect((await itemsOf("/feed.json")).map(titleOf)).toEqual(["Lima", "Tokyo"]);
  });

  it("shows an edit: same id, new updated date, new text", async () => {
    await publish([makeArticle({ id: "story", title: "First take" })]);
    await publish([makeArticle({ id: "story", title: "Corrected take", updated: "2026-03-02T10:00:00+01:00" })]);
    const entry = await onlyItem("/atom.xml");
    expect(entry).toMatchObject({ id: "tag:feedwire.example,2026:story", updated: "2026-03-02T10:00:00+01:00" });
    expect(titleOf(entry)).toBe("Corrected take");
  });

  it("links an article with a canonical url there, and one without to its page here", async () => {
    await publish([makeArticle({ id: "elsewhere", url: "https://news.example.org/a?x=1&y=2" })]);
    const rss = await (await request("/feed.xml")).text();
    expect(rss).toContain("<link>https://news.example.org/a?x=1&amp;y=2</link>");
    const item = await onlyItem("/feed.json");
    expect(item.url).toBe("https://news.example.org/a?x=1&y=2");
  });

  it("serves a valid empty feed when nothing is stored", async () => {
    for (const path of ["/feed.xml", "/atom.xml", "/feed.json"]) {
      const { feed } = await fetchFeed(path);
      expect(feed.title).toBeTruthy();
    }
  });

  it("gives the same bytes for the same articles", async () => {
    await publish([seedArticle(), ...manyArticles(5)]);
    const paths = ["/feed.xml", "/atom.xml", "/feed.json"];
    const first = await Promise.all(paths.map(async (p) => (await request(p)).text()));
    await new Promise((r) => setTimeout(r, 1100)); // a clock that leaked into the output would now differ
    forgetResponses(env); // and render again rather than serve the kept bytes
    expect(await Promise.all(paths.map(async (p) => (await request(p)).text()))).toEqual(first);
  });
});
