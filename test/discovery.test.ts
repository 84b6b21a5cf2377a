import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { makeArticle, publish, request, SETTINGS } from "./helpers";

const site = SETTINGS.siteUrl;

interface Outline {
  text: string;
  type?: string;
  xmlUrl?: string;
  outline?: Outline[];
}

async function opml() {
  const res = await request("/feeds.opml");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("text/x-opml; charset=utf-8");
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "outline" }).parse(
    await res.text(),
  );
  return { res, doc, body: doc.opml.body.outline as Outline[] };
}

describe("/feeds.opml", () => {
  it("lists every feed in OPML 2.0: the main one, then sections, authors and tags, each a feed that answers", async () => {
    await publish([
      makeArticle({ id: "a", section: "World", authors: [{ name: "Ann Writer" }], tags: ["Climate", "Energy"] }),
      makeArticle({ id: "b", section: "Science", authors: [{ name: "Bo Reporter" }, { name: "Ann Writer" }], tags: [] }),
    ]);
    const { doc, body } = await opml();
    expect(doc.opml.version).toBe("2.0");
    expect(body[0]).toMatchObject({ text: SETTINGS.title, type: "rss", xmlUrl: `${site}/feed.xml` });
    const group = (name: string) => body.find((o) => o.text === name)?.outline?.map((o) => o.xmlUrl);
    expect(group("Sections")).toEqual([`${site}/sections/science/feed.xml`, `${site}/sections/world/feed.xml`]);
    expect(group("Authors")).toEqual([`${site}/authors/ann-writer/feed.xml`, `${site}/authors/bo-reporter/feed.xml`]);
    expect(group("Tags")).toEqual([`${site}/tags/climate/feed.xml`, `${site}/tags/energy/feed.xml`]);
    for (const o of body.flatMap((o) => o.outline ?? [o])) {
      expect((await request(new URL(o.xmlUrl ?? "").pathname)).status, o.xmlUrl).toBe(200);
    }
  });

  it("has validators that change when the list does, and answers 304", async () => {
    await publish([makeArticle({ id: "a", section: "World" })]);
    const { res } = await opml();
    const etag = res.headers.get("ETag") ?? "";
    expect((await request("/feeds.opml", { headers: { "If-None-Match": etag } })).status).toBe(304);
    await publish([makeArticle({ id: "b", section: "Sport" })]);
    const after = await opml();
    expect(after.res.headers.get("ETag")).not.toBe(etag);
    expect(after.body.find((o) => o.text === "Sections")?.outline).toHaveLength(2);
  });
});

describe("autodiscovery", () => {
  it("an article page links the feeds it belongs to, in every format", async () => {
    await publish([makeArticle({ id: "a", section: "World", authors: [{ name: "Ann Writer" }], tags: ["Climate"] })]);
    const html = await (await request("/articles/a")).text();
    for (const path of ["", "/sections/world", "/authors/ann-writer", "/tags/climate"]) {
      for (const file of ["feed.xml", "atom.xml", "feed.json"]) expect(html, `${path}/${file}`).toContain(`href="${site}${path}/${file}"`);
    }
    expect(html).toContain(
      `<link rel="alternate" type="application/atom+xml" title="World · ${SETTINGS.title} (Atom)" href="${site}/sections/world/atom.xml">`,
    );
    expect(html).toContain(`href="${site}/feeds.opml"`);
  });
});
