import { describe, expect, it } from "vitest";
import { request } from "./helpers";
import { badCodePoints } from "./strict";

/** Every kind of code point a strict reader chokes on, raw and as character references, in one string. */
const HOSTILE = "a\u0001b\u000Bc\uD800d\uDC00e\uFFFEf\uFDD0g\uD83F\uDFFFh 😀";
const REFERENCES = "&#1;&#x0B;&#xD800;&#56320;&#xFFFE;&#xFDD0;&#x1FFFF;&#0;";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Numeric character references in XML or HTML text, by the code point they name. */
const referencedCodePoints = (text: string) =>
  [...text.matchAll(/&#(?:x([\da-f]+)|(\d+));/gi)].map(([, hex, decimal]) => Number.parseInt(hex ?? decimal ?? "", hex ? 16 : 10));

/** A document as a strict consumer reads it: valid UTF-8, well-formed Unicode, nothing that no feed may carry. */
async function readStrictly(path: string): Promise<string> {
  const res = await request(path);
  expect(res.status, path).toBe(200);
  const text = strict.decode(await res.arrayBuffer()); // throws on any invalid byte sequence
  expect(badCodePoints(text), path).toEqual([]);
  // None of the input holds U+FFFD: one in the output is a character an encoder replaced.
  expect(text, path).not.toContain("\uFFFD");
  expect(badCodePoints(String.fromCodePoint(...referencedCodePoints(text))), `${path} refers to them`).toEqual([]);
  return text;
}

/** Every string in a JSON value: JSON's \u escapes can spell lone surrogates and controls that the bytes do not show. */
const strings = (value: unknown): string[] =>
  typeof value === "string" ? [value] : value && typeof value === "object" ? Object.values(value).flatMap(strings) : [];

describe("valid Unicode everywhere", () => {
  it("serves every feed, page and API document as valid UTF-8 a strict decoder reads, whatever the article held", async () => {
    const res = await request("/api/articles/hostile-unicode", {
      method: "PUT",
      headers: { Authorization: "Bearer test-token", "Content-Type": "application/json" },
      body: JSON.stringify({
        title: `Title ${HOSTILE}`,
        summary: `Summary ${HOSTILE}`,
        contentHtml: `<p title="${HOSTILE}${REFERENCES}">${HOSTILE} ${REFERENCES}</p>`,
        authors: [{ name: `Author ${HOSTILE}` }],
        published: "2026-03-01T09:00:00+01:00",
        section: `Section ${HOSTILE}`,
        tags: [`tag ${HOSTILE}`],
        image: { url: "https://example.com/i.png", caption: `Caption ${HOSTILE}`, credit: `Credit ${HOSTILE}` },
        dateline: `Dateline ${HOSTILE}`,
      }),
    });
    expect(res.status).toBe(201);
    const { warnings } = await res.json<{ warnings: { field: string }[] }>();
    expect(new Set(warnings.map((w) => w.field))).toEqual(
      new Set(["title", "summary", "contentHtml", "authors.0.name", "section", "tags.0", "image.caption", "image.credit", "dateline"]),
    );

    // The OPML lists every feed the article is in: the main one, its section's, its author's and its tag's.
    const opml = await readStrictly("/feeds.opml");
    const feeds = [...opml.matchAll(/xmlUrl="([^"]+)"/g)].map(([, url]) => new URL((url ?? "").replaceAll("&amp;", "&")).pathname);
    expect(feeds.length).toBeGreaterThanOrEqual(4);
    for (const path of feeds.flatMap((p) => [p, p.replace("feed.xml", "atom.xml"), p.replace("feed.xml", "feed.json")])) {
      const text = await readStrictly(path);
      if (path.endsWith(".json")) expect(badCodePoints(strings(JSON.parse(text)).join("")), path).toEqual([]);
    }
    await readStrictly("/articles/hostile-unicode");
    await readStrictly("/");
    const api = await readStrictly("/api/articles/hostile-unicode");
    expect(badCodePoints(strings(JSON.parse(api)).join(""))).toEqual([]);
  });
});
