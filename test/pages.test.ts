import { describe, expect, it } from "vitest";
import { makeArticle, manyArticles, publish, request, retract, SETTINGS, seedArticle } from "./helpers";

const AUTODISCOVERY = [
  `<link rel="alternate" type="application/rss+xml" title="${SETTINGS.title} (RSS)" href="${SETTINGS.siteUrl}/feed.xml">`,
  `<link rel="alternate" type="application/atom+xml" title="${SETTINGS.title} (Atom)" href="${SETTINGS.siteUrl}/atom.xml">`,
  `<link rel="alternate" type="application/feed+json" title="${SETTINGS.title} (JSON Feed)" href="${SETTINGS.siteUrl}/feed.json">`,
  `<link rel="outline" type="text/x-opml" title="All feeds (OPML)" href="${SETTINGS.siteUrl}/feeds.opml">`,
];

describe("the home page", () => {
  it("lists the latest articles, escaped, with autodiscovery and how to subscribe", async () => {
    await publish([seedArticle(), makeArticle({ id: "amp", title: "Q&A <live>", published: "2026-01-01T00:00:00Z" })]);
    const res = await request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    for (const link of AUTODISCOVERY) expect(page).toContain(link);
    expect(page).toContain("Subscribe");
    expect(page).toContain(`<a href="${SETTINGS.siteUrl}/articles/amp">Q&amp;A &lt;live&gt;</a>`);
    expect(page.indexOf("Q&amp;A")).toBeLessThan(page.indexOf("Venezuelan President Reportedly"));
  });
});

describe("an article page", () => {
  it("shows the article: headline, byline, date, dateline, photo with caption and credit, body", async () => {
    await publish([seedArticle()]);
    const res = await request("/articles/maduro-considering-asylum");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("<h1>Venezuelan President Reportedly Considering Asylum as Pressure Grows on Regime</h1>");
    expect(page).toContain(
      `By <a href="${SETTINGS.siteUrl}/authors/mark-browne">Mark Browne</a> · <time datetime="2017-07-20T20:12:00-04:00">Jul 20, 2017</time>`,
    );
    expect(page).toContain('<p class="dateline"><strong>Mexico City</strong></p>');
    expect(page).toContain("<figcaption>Venezuelan President Nicolas Maduro <small>Photo: Venezuelan Presidency</small></figcaption>");
    expect(page).toContain("it noted.</p>");
    for (const link of AUTODISCOVERY) expect(page).toContain(link);
  });

  it("says when it was updated", async () => {
    await publish([makeArticle({ id: "edited", updated: "2026-03-04T10:00:00+01:00" })]);
    expect(await (await request("/articles/edited")).text()).toContain('updated <time datetime="2026-03-04T10:00:00+01:00">');
  });

  it.each(["/articles/nothing-here", "/articles/Not_An_Id", "/no-such-route"])("%s is 404", async (path) => {
    expect((await request(path)).status).toBe(404);
  });
});

describe("an address that is nothing", () => {
  /** What Chromium sends when a person opens an address. */
  const NAVIGATION = {
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
    Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  };

  it("answers 404 as problem+json", async () => {
    const res = await request("/no/such/thing");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.headers.get("Vary")).toBe("Sec-Fetch-Dest, Accept");
  });

  it.each([
    ["/no/such/thing", "There is nothing at this address."],
    ["/sections/nothing", "Nothing is published here: no article has this section, author, tag or page."],
    ["/tags/Not-A-Slug/feed.xml", "Nothing is published here: no article has this section, author or tag."],
  ])("%s answers a person's browser 404 with a page that says so", async (path, detail) => {
    await publish([makeArticle()]);
    const res = await request(path, { headers: NAVIGATION });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("Vary")).toBe("Sec-Fetch-Dest, Accept");
    const page = await res.text();
    expect(page).toContain("<h1>Not Found</h1>");
    expect(page).toContain(`<p>${detail}</p>`);
    expect(page).toContain(`<a href="${SETTINGS.siteUrl}/">The latest articles</a>`);
    // The same address for a program: the problem, in the same words.
    const problem = await request(path);
    expect(problem.headers.get("Content-Type")).toBe("application/problem+json");
    expect(((await problem.json()) as { detail: string }).detail).toBe(detail);
  });

  it("keeps the status and headers of any other problem: 405 with Allow, as a page", async () => {
    const res = await request("/feed.xml", { method: "POST", headers: NAVIGATION });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  });

  it("answers the API's problems as problem+json, even to a browser", async () => {
    for (const path of ["/api/articles/nothing-here", "/api"]) {
      const res = await request(path, { headers: NAVIGATION });
      expect(res.status, path).toBe(404);
      expect(res.headers.get("Content-Type"), path).toBe("application/problem+json");
      expect(res.headers.get("Vary"), path).toBeNull();
    }
  });

  it("answers an article that is not there, or retracted, as a problem to programs and as a page to people", async () => {
    await publish([makeArticle({ id: "mistake" })]);
    await retract("mistake");
    for (const [path, status, title] of [
      ["/articles/nothing-here", 404, "Not Found"],
      ["/articles/mistake", 410, "Gone"],
    ] as const) {
      const problem = await request(path);
      expect(problem.status, path).toBe(status);
      expect(problem.headers.get("Content-Type"), path).toBe("application/problem+json");
      const page = await request(path, { headers: NAVIGATION });
      expect(page.status, path).toBe(status);
      expect(await page.text(), path).toContain(`<h1>${title}</h1>`);
    }
  });

  it("keeps a 429's Retry-After on its page, and a HEAD gets the page's headers, Date included, without the page", async () => {
    await publish([makeArticle()]);
    const throttled = { POLL_MIN_INTERVAL: "120" };
    // `?raw` is a person asking for the document itself: throttled like any fetch of it.
    const raw = { headers: { ...NAVIGATION, "CF-Connecting-IP": "192.0.2.9" } };
    expect((await request("/feed.xml?raw", raw, throttled)).status).toBe(200);
    const tooSoon = await request("/feed.xml?raw", raw, throttled);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(Number(tooSoon.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await tooSoon.text()).toContain("<h1>Too Many Requests</h1>");
    const head = await request("/sections/nothing", { method: "HEAD", headers: NAVIGATION });
    expect(head.status).toBe(404);
    expect(head.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(head.headers.get("Vary")).toBe("Sec-Fetch-Dest, Accept");
    expect(head.headers.get("Date")).toMatch(/ GMT$/);
    expect(await head.text()).toBe("");
  });
});

describe("a section, author or tag page", () => {
  it("lists its articles newest first, with its feeds, discovered and visible", async () => {
    await publish([
      makeArticle({ id: "old", title: "Older world story", section: "World", published: "2026-01-01T00:00:00Z" }),
      makeArticle({ id: "new", title: "Newer world story", section: "World", published: "2026-02-01T00:00:00Z" }),
      makeArticle({ id: "elsewhere", title: "Sport story", section: "Sport" }),
    ]);
    const res = await request("/sections/world");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    expect(page).toContain(`<h1>World · ${SETTINGS.title}</h1>`);
    expect(page.indexOf("Newer world story")).toBeLessThan(page.indexOf("Older world story"));
    expect(page).not.toContain("Sport story");
    const rss = `${SETTINGS.siteUrl}/sections/world/feed.xml`;
    expect(page).toContain(`<link rel="alternate" type="application/rss+xml" title="World · ${SETTINGS.title} (RSS)" href="${rss}">`);
    expect(page).toContain(`<a href="${rss}">RSS</a>`);
  });

  it("is paged like its feed: the current page links its newest archive page, which links back", async () => {
    await publish(manyArticles(SETTINGS.itemsPerFeed * 2, "a").map((a) => ({ ...a, tags: ["busy"] })));
    const current = await (await request("/tags/busy")).text();
    expect(current).toContain(`<a href="${SETTINGS.siteUrl}/tags/busy/archive/1" rel="next">Older articles →</a>`);
    const archive = await request("/tags/busy/archive/1");
    expect(archive.status).toBe(200);
    const page = await archive.text();
    expect(page).toContain(`<a href="${SETTINGS.siteUrl}/tags/busy" rel="prev">← Newer articles</a>`);
    expect(page.match(/<li class="story"/g)).toHaveLength(SETTINGS.itemsPerFeed);
  });

  it.each(["/sections/nothing", "/authors/Not-A-Slug", "/archive/7"])("%s is 404", async (path) => {
    await publish([makeArticle()]);
    expect((await request(path)).status).toBe(404);
  });
});

describe("an article in a language written right to left", () => {
  it("is marked with its language and direction; the site around it keeps its own", async () => {
    await publish([makeArticle({ id: "ar", language: "ar", title: "عنوان" })]);
    const page = await (await request("/articles/ar")).text();
    expect(page).toContain(`<html lang="${SETTINGS.language}" dir="ltr">`);
    expect(page).toContain('<article class="article" lang="ar" dir="rtl">');
  });
});

describe("the stylesheet and icon", () => {
  it("are linked from every page under a hash of their bytes, and cached for good", async () => {
    await publish([makeArticle()]);
    const page = await (await request("/")).text();
    const paths = [...page.matchAll(/href="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? "");
    expect(paths).toEqual([
      expect.stringMatching(/^\/assets\/style\.[0-9a-f]{8}\.css$/),
      expect.stringMatching(/^\/assets\/icon\.[0-9a-f]{8}\.svg$/),
    ]);
    for (const path of paths) {
      const res = await request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      expect((await request(path, { headers: { "If-None-Match": res.headers.get("ETag") ?? "" } })).status).toBe(304);
    }
    expect((await request("/assets/style.00000000.css")).status).toBe(404);
  });
});
