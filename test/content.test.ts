import { describe, expect, it } from "vitest";
import { ContentError, type ContentFile, idFromPath, loadContent, parseArticleFile, parseContentFile } from "../src/content";
import { SETTINGS } from "./helpers";

/** content/ as the CLIs read it: every Markdown and HTML file with its path. */
const FILES: ContentFile[] = Object.entries(
  import.meta.glob<string>("../content/**/*.{md,html}", { query: "?raw", import: "default", eager: true }),
).map(([path, text]) => ({ path: path.replace(/^\.\.\//, ""), text }));

const GOOD = `---
title: "Good"
summary: "Fine."
authors:
  - name: "Ann"
published: "2026-01-02T03:04:05+06:00"
---
Body with *emphasis*.
`;

describe("content/", () => {
  const articles = loadContent(FILES, SETTINGS.siteUrl);

  it("loads every file, with unique ids", () => {
    expect(articles).toHaveLength(FILES.length);
    expect(new Set(articles.map((a) => a.id)).size).toBe(articles.length);
  });

  it("has at least 30 sample articles over several sections, authors, tags and months", () => {
    const samples = FILES.filter((f) => f.path.startsWith("content/samples/")).map((f) => parseArticleFile(f, SETTINGS.siteUrl));
    expect(samples.length).toBeGreaterThanOrEqual(30);
    expect(new Set(samples.map((a) => a.section)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(samples.flatMap((a) => a.authors.map((p) => p.name))).size).toBeGreaterThanOrEqual(8);
    expect(new Set(samples.flatMap((a) => a.tags)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(samples.map((a) => a.published.slice(0, 7))).size).toBeGreaterThanOrEqual(6);
    expect(samples.filter((a) => a.authors.length > 1).length).toBeGreaterThanOrEqual(3);
    expect(samples.filter((a) => a.image).length).toBeGreaterThanOrEqual(5);
    expect(samples.filter((a) => a.updated !== a.published).length).toBeGreaterThanOrEqual(5);
  });

  it("holds the first article as published", () => {
    const seed = articles.find((a) => a.id === "maduro-considering-asylum");
    expect(seed).toMatchObject({
      title: "Venezuelan President Reportedly Considering Asylum as Pressure Grows on Regime",
      authors: [{ name: "Mark Browne" }],
      published: "2017-07-20T20:12:00-04:00",
      updated: "2017-07-20T20:12:00-04:00",
      dateline: "Mexico City",
      image: {
        url: `${SETTINGS.siteUrl}/media/maduro-considering-asylum.svg`,
        caption: "Venezuelan President Nicolas Maduro",
        credit: "Photo: Venezuelan Presidency",
      },
    });
    const html = seed?.contentHtml ?? "";
    expect(html.startsWith("<p>Venezuelan President Nicolas Maduro is actively considering asylum in Russia or Cuba")).toBe(true);
    expect(html).toContain("<p>“Venezuela is rapidly becoming a failed state,” Rendon told</p>");
    expect(html.trimEnd().endsWith("for conspiracy to traffic internationally in cocaine, it noted.</p>")).toBe(true);
    expect(html.match(/<p>/g)).toHaveLength(24);
    // The site's donation appeal and newsletter footer are not part of the article.
    expect(html).not.toMatch(/CNSNews|Donate|Newsletter/i);
  });
});

describe("a content file that fails the schema", () => {
  const bad = (path: string, text: string) => () =>
    loadContent(
      [
        { path: "content/good.md", text: GOOD },
        { path, text },
      ],
      SETTINGS.siteUrl,
    );

  it("names the file, the field and the reason", () => {
    expect(bad("content/x.md", GOOD.replace("2026-01-02T03:04:05+06:00", "2026-01-02 03:04"))).toThrow(
      /^content\/x\.md: published: must be an RFC 3339 date-time/,
    );
  });

  it("reports every problem in every file at once, and loads nothing", () => {
    const files = [
      { path: "content/a.md", text: GOOD.replace('  - name: "Ann"', '  - name: "Ann"\n    email: "nope"') },
      { path: "content/B.md", text: GOOD.replace('title: "Good"', "title: ''") },
      { path: "content/c.md", text: "no front matter" },
    ];
    let error: unknown;
    let loaded: unknown;
    try {
      loaded = loadContent([{ path: "content/good.md", text: GOOD }, ...files], SETTINGS.siteUrl);
    } catch (e) {
      error = e;
    }
    expect(loaded).toBeUndefined();
    expect(error).toBeInstanceOf(ContentError);
    expect((error as ContentError).problems).toEqual([
      { file: "content/a.md", field: "authors.0.email", reason: "must be an e-mail address" },
      { file: "content/B.md", field: "id", reason: expect.stringContaining("a-z, 0-9") },
      { file: "content/B.md", field: "title", reason: "must not be empty" },
      { file: "content/c.md", field: "(front matter)", reason: expect.stringContaining("YAML front matter") },
    ]);
  });

  it("refuses two files with the same id", () => {
    expect(() =>
      loadContent(
        [
          { path: "content/articles/good.md", text: GOOD },
          { path: "content/samples/good.md", text: GOOD },
        ],
        SETTINGS.siteUrl,
      ),
    ).toThrow("content/samples/good.md: id: good is already used by content/articles/good.md");
  });

  it("refuses YAML that does not parse, and an id that is not the file name", () => {
    expect(bad("content/y.md", "---\ntitle: [unclosed\n---\nx")).toThrow(/content\/y\.md: \(front matter\): not valid YAML/);
    expect(bad("content/z.md", GOOD.replace("title:", "id: other\ntitle:"))).toThrow("content/z.md: id: must match the file name (z)");
  });
});

describe("a content file", () => {
  it("keeps the publisher's offset even for unquoted YAML dates", () => {
    const a = parseArticleFile(
      { path: "content/q.md", text: GOOD.replace('"2026-01-02T03:04:05+06:00"', "2026-01-02T03:04:05+06:00") },
      SETTINGS.siteUrl,
    );
    expect(a.published).toBe("2026-01-02T03:04:05+06:00");
    expect(a.contentHtml).toBe("<p>Body with <em>emphasis</em>.</p>");
  });

  it("renders fenced code without a language class, which the server's sanitiser would drop", () => {
    const a = parseArticleFile(
      { path: "content/code.md", text: GOOD.replace("Body with *emphasis*.", "```xml\n<a>&</a>\n```") },
      SETTINGS.siteUrl,
    );
    expect(a.contentHtml).toBe("<pre><code>&lt;a&gt;&amp;&lt;/a&gt;\n</code></pre>");
  });
});

describe("an .html content file", () => {
  const HTML = GOOD.replace("Body with *emphasis*.\n", "\n  <p>Body with *stars* &amp; <b>bold</b></p>\n<!-- kept -->\n\n");

  it("takes the body after the front matter verbatim (trimmed) as contentHtml, with no Markdown", () => {
    const a = parseArticleFile({ path: "content/pulled/good-one.html", text: HTML }, SETTINGS.siteUrl);
    expect(a.id).toBe("good-one");
    expect(a.contentHtml).toBe("<p>Body with *stars* &amp; <b>bold</b></p>\n<!-- kept -->");
    expect(a.summary).toBe("Fine.");
  });

  it("has no contentHtml when the body is empty", () => {
    const a = parseArticleFile({ path: "content/s.html", text: GOOD.replace("Body with *emphasis*.\n", "\n") }, SETTINGS.siteUrl);
    expect(a.contentHtml).toBeUndefined();
  });

  it("is named like a Markdown file: the id is the name without .md or .html", () => {
    expect(idFromPath("content/samples/a-b.md")).toBe("a-b");
    expect(idFromPath("content/pulled/a-b.html")).toBe("a-b");
    expect(() =>
      loadContent(
        [
          { path: "content/a/good.md", text: GOOD },
          { path: "content/b/good.html", text: HTML },
        ],
        SETTINGS.siteUrl,
      ),
    ).toThrow("content/b/good.html: id: good is already used by content/a/good.md");
  });
});

describe("updated in a content file", () => {
  it("is known to be given or not: without it updated is published, and the file leaves updated to the server", () => {
    const implicit = parseContentFile({ path: "content/a.html", text: GOOD }, SETTINGS.siteUrl);
    expect(implicit.explicitUpdated).toBe(false);
    expect(implicit.article.updated).toBe(implicit.article.published);
    const explicit = parseContentFile(
      { path: "content/a.md", text: GOOD.replace("published:", 'updated: "2026-02-01T00:00:00Z"\npublished:') },
      SETTINGS.siteUrl,
    );
    expect(explicit).toMatchObject({ path: "content/a.md", explicitUpdated: true, article: { updated: "2026-02-01T00:00:00Z" } });
  });
});
