import { describe, expect, it } from "vitest";
import { makeArticle, publish, request, SETTINGS, seedArticle } from "./helpers";

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
  it("answers 404 as problem+json", async () => {
    const res = await request("/no/such/thing");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  });
});
