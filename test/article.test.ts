import { describe, expect, it } from "vitest";
import { ArticleSchema, fieldIssues } from "../src/article";
import { makeArticle } from "./helpers";

const base = {
  id: "a-1",
  title: "Title",
  summary: "Summary",
  authors: [{ name: "Ann" }],
  published: "2017-07-20T20:12:00-04:00",
};

const issuesOf = (input: unknown) => {
  const result = ArticleSchema.safeParse(input);
  if (result.success) throw new Error("expected the article to be refused");
  return fieldIssues(result.error);
};

describe("ArticleSchema", () => {
  it("fills updated from published and tags with an empty list", () => {
    const a = ArticleSchema.parse(base);
    expect(a.updated).toBe("2017-07-20T20:12:00-04:00");
    expect(a.tags).toEqual([]);
  });

  it.each([
    ["id", { id: "Upper" }],
    ["id", { id: "-leading-dash" }],
    ["id", { id: `a${"b".repeat(128)}` }],
    ["title", { title: "   " }],
    ["published", { published: "2017-07-20T20:12:00" }],
    ["published", { published: "20 July 2017" }],
    ["updated", { updated: "2017-07-20T20:00:00-04:00" }],
    ["url", { url: "/relative/path" }],
    ["url", { url: "javascript:alert(1)" }],
    ["authors", { authors: [] }],
    ["authors.0.email", { authors: [{ name: "Ann", email: "not-an-address" }] }],
    ["authors.0.name", { authors: [{ url: "https://example.com/" }] }],
    ["image.type", { image: { url: "https://example.com/a.jpg", type: "image/jpg; x" } }],
    ["image.url", { image: { url: "data:image/png;base64,AAAA" } }],
    ["language", { language: "english!" }],
    ["contentHtml", { summary: undefined }],
  ])("names %s when it is wrong", (field, change) => {
    expect(issuesOf({ ...base, ...change }).map((i) => i.field)).toContain(field);
  });

  it("refuses unknown fields at any depth, naming each by its path", () => {
    const issues = issuesOf({
      ...base,
      titel: "x",
      subtitle: "y",
      authors: [{ name: "Ann" }, { name: "Bo", nmae: "Bo" }],
      image: { url: "https://example.com/i.png", captoin: "z" },
    });
    expect(issues).toEqual([
      { field: "authors.1.nmae", reason: "unknown field" },
      { field: "image.captoin", reason: "unknown field" },
      { field: "titel", reason: "unknown field" },
      { field: "subtitle", reason: "unknown field" },
    ]);
  });

  it("bounds the authors and tags of one article (each has a feed)", () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `tag ${i}`);
    expect(ArticleSchema.parse({ ...base, tags: many(32) }).tags).toHaveLength(32);
    expect(issuesOf({ ...base, tags: many(33) })).toEqual([{ field: "tags", reason: "has at most 32 tags" }]);
    const authors = many(33).map((name) => ({ name }));
    expect(issuesOf({ ...base, authors })).toEqual([{ field: "authors", reason: "has at most 32 authors" }]);
  });

  it("bounds section, author and tag names to 100 characters (each is part of a KV key)", () => {
    const long = "x".repeat(101);
    expect(issuesOf({ ...base, tags: [long] })).toEqual([{ field: "tags.0", reason: "must be at most 100 characters" }]);
    expect(issuesOf({ ...base, section: long })).toEqual([{ field: "section", reason: "must be at most 100 characters" }]);
    expect(issuesOf({ ...base, authors: [{ name: long }] })).toEqual([
      { field: "authors.0.name", reason: "must be at most 100 characters" },
    ]);
    expect(ArticleSchema.parse({ ...base, tags: ["y".repeat(100)] }).tags[0]).toHaveLength(100);
  });

  it("gives a reason a publisher can act on", () => {
    const [issue] = issuesOf({ ...base, published: "yesterday" });
    expect(issue).toEqual({ field: "published", reason: expect.stringContaining("RFC 3339") });
  });

  it("removes the code points no feed may carry (C0 controls, lone surrogates, noncharacters) and keeps everything else", () => {
    const a = makeArticle({
      title: "Bell\u0007 and\u000B form\u000Cfeed \uD800lone \uDC00\uFFFF\uFDD0\uD83F\uDFFE",
      summary: "Tab\tnewline\n emoji 😀 café 東京",
      contentHtml: "<p>\u0000zero\u001F</p>",
    });
    expect(a.title).toBe("Bell and formfeed lone");
    expect(a.summary).toBe("Tab\tnewline\n emoji 😀 café 東京");
    expect(a.contentHtml).toBe("<p>zero</p>");
  });
});
