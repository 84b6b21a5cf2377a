// Property-based tests of the sanitiser against hostile markup, with an independent HTML5 parser as the
// oracle: domino (Mozilla's dom.js parser, @mixmark-io's maintained fork) shares no code with parse5, which
// the sanitiser uses. fast-check prints the seed and the shrunk input of any failure; RUNS and SEED are fixed
// so a failure replays exactly.
import domino, { type OracleElement, type OracleNode } from "@mixmark-io/domino";
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { parseFeed } from "feedsmith";
import { defaultTreeAdapter, html as p5, parseFragment, serialize } from "parse5";
import { describe, expect, it } from "vitest";
import { type Article, ArticleSchema } from "../src/article";
import { buildFeed } from "../src/feed/model";
import { renderAtom } from "../src/render/atom";
import { articlePage } from "../src/render/html";
import { renderJson } from "../src/render/json";
import { renderRss } from "../src/render/rss";
import { sanitizeHtml } from "../src/sanitize";
import { MAIN } from "../src/scopes";
import { SETTINGS } from "./helpers";
import { badCodePoints } from "./strict";

const SEED = 11_2026;
const RUNS = 2000;
const BASE = "https://example.com/a/b";

// What may come out, restated here from the publisher API's content-safety rules (README), not imported.
const ALLOWED: Record<string, string[]> = Object.fromEntries(
  (
    "p br hr h1 h2 h3 h4 h5 h6 blockquote pre code em strong b i u s del ins sub sup small mark q cite abbr dfn kbd samp var " +
    "time span div figure figcaption picture ul ol dl dt dd table thead tbody tfoot tr caption details summary"
  )
    .split(" ")
    .map((tag) => [tag, []]),
);
Object.assign(ALLOWED, {
  a: ["href", "rel"],
  img: ["src", "alt", "width", "height"],
  source: ["src", "type", "media"],
  ol: ["start", "reversed", "type"],
  li: ["value"],
  th: ["colspan", "rowspan", "scope", "headers"],
  td: ["colspan", "rowspan", "scope", "headers"],
  time: ["datetime"],
  q: ["cite"],
  blockquote: ["cite"],
  del: ["cite"],
  ins: ["cite"],
  col: ["span"],
  colgroup: ["span"],
  details: ["open"],
});
const safeUrl = (name: string, tag: string, value: string) => {
  const { protocol } = new URL(value); // absolute: it throws on a relative URL, which must not come out either
  return (
    protocol === "https:" || protocol === "http:" || (protocol === "mailto:" && name === "href") || (protocol === "data:" && tag === "img")
  );
};

// The grammar of hostile constructs.
const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const tagName = fc.oneof(
  pick("p", "a", "img", "li", "ul", "table", "td", "tr", "pre", "picture", "source", "details", "b", "i", "span", "div", "q", "br"),
  pick("script", "style", "iframe", "object", "embed", "form", "input", "select", "option", "textarea", "noscript", "template"),
  pick("svg", "math", "mtext", "mglyph", "mi", "foreignObject", "desc", "annotation-xml", "title", "xmp", "noembed", "noframes"),
  pick("plaintext", "frame", "frameset", "head", "body", "html", "meta", "link", "base", "image", "listing", "marquee", "button"),
  pick("font", "center", "custom-el", "section", "caption", "colgroup", "col", "h1", "h2", "applet", "param", "keygen", "isindex"),
  pick("ScRiPt", "IMG", "SVG", "scr<script", "a/", 'p"', "img/src", "svg/onload", "ſcript", "s\u0000cript", "x:script", "a\u00a0"),
);
const numericReference = fc
  .constantFrom(
    ...[0, 1, 8, 9, 10, 11, 12, 13, 0x1f, 0x7f, 0x80, 0x85, 0x9f, 0xa0, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfdd0, 0xfdef, 0xfffe],
    ...[0xffff, 0x1fffe, 0x10ffff, 0x110000, 0x3c, 0x3e, 0x26, 0x22, 0x27, 0x6a, 0x3a, 0x1f600, 0x2028, 0xfeff, 99999999999],
  )
  .chain((code) => pick(`&#${code};`, `&#x${code.toString(16)};`, `&#X${code.toString(16).toUpperCase()}`, `&#000${code}`));
const reference = fc.oneof(
  numericReference,
  pick("&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&nbsp;", "&eacute;", "&notin;", "&notit;", "&amp", "&lt", "&AMP;", "&colon;"),
  pick("&Tab;", "&NewLine;", "&bogus;", "&", "&#", "&#x", "&#;", "&amp;lt;", "&lt;script&gt;", "&lt;/p&gt;"),
);
const url = pick(
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  " \u0001javascript:alert(1)",
  "java\tscript:alert(1)",
  "java&#x09;script:alert(1)",
  "java&Tab;script:alert(1)",
  "javascript&colon;alert(1)",
  "&#106;avascript:alert(1)",
  "&#x6A;avascript:alert(1)",
  "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
  "jav&#97;script:alert(1)",
  "&#1;javascript:alert(1)",
  "vbscript:msgbox(1)",
  "data:text/html,<script>alert(1)</script>",
  "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
  "data:image/png;base64,iVBORw0KGgo=",
  "file:///etc/passwd",
  "https://example.com/x?a=1&b=2&amp;c=3",
  "HTTPS://Example.COM/a b",
  "/root-relative",
  "../up",
  "//evil.example/x",
  "#frag",
  "",
  "mailto:desk@example.com",
  "https://exa mple.com/",
);
const attributeName = pick(
  ...["href", "src", "cite", "title", "alt", "lang", "dir", "rel", "open", "start", "value", "datetime", "width", "colspan"],
  ...["onclick", "onerror", "onload", "OnLoad", "style", "class", "id", "srcset", "xlink:href", "formaction", "srcdoc", "is"],
  ...['"onload', "/onload", "on\u0000load", "=x", "href\u00a0", "<p"],
);
const attributeValue = fc.oneof(url, reference, fc.string({ maxLength: 6 }), pick('"', "'", "`", "<", ">", "</p>", "&quot;", "\u00a0"));
const attribute = fc
  .tuple(attributeName, fc.option(attributeValue), pick('"', "'", "", "`"))
  .map(([name, value, quote]) => (value === null ? name : `${name}=${quote}${quote ? value : value.replace(/[\s>]/g, "")}${quote}`));
const startTag = fc
  .tuple(tagName, fc.array(attribute, { maxLength: 3 }), pick(">", "/>", " >", "", "/", "\n>"))
  .map(([tag, attributes, end]) => `<${tag}${attributes.map((a) => ` ${a}`).join("")}${end}`);
const endTag = fc.tuple(tagName, pick(">", " x=1>", "/>", "")).map(([tag, end]) => `</${tag}${end}`);
const text = fc.oneof(
  pick("x", " ", "\n", "\r\n", "\r", "\t", "<", ">", "< ", "<<", "]]>", '"', "'", "=", "\u00a0", "\u2028", "😀", "\u0085"),
  pick("\ud800", "\udc00", "\u0001", "\u000b", "\ufffe", "\ufdd0", "\uD83F\uDFFF", "\ufeff", "\u0000"),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 3 }),
  reference,
);
const construct = pick(
  ...["<!-- c -->", "<!-->", "<!--->", "<!-- --!>", "<!---->", "<!--", "--!>", "-->", "<!-- <script> -->", "<!--[if IE]>"],
  ...["<![CDATA[<img src=x onerror=alert(1)>]]>", "<![CDATA[", '<?xml version="1.0"?>', "<?php echo 1 ?>", "<!doctype html>"],
  ...["<!DOCTYPE x>", "</>", "</ x>", "<>", "< p>", "<svg><foreignObject><p>", "<svg><desc><p>", "<math><mi><p>"],
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<svg><style><img src=x onerror=alert(1)></style></svg>",
  '<svg></p><style><a title="</style><img src onerror=alert(1)>">',
  "<template><img src=x onerror=1></template>",
  "<select><template><style><img src=x onerror=alert(1)></style></template></select>",
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  ...["<textarea><img src=x onerror=1></textarea>", "<plaintext>", "<xmp></xmp><img src=x onerror=1>", '<iframe srcdoc="&lt;script&gt;">'],
  ...["<form><form>", "<table><td><li>", "<select><option>", "<a><a>", "<p><table><p>", "<pre>\n\n", "<listing>\n\n", "<li><section><li>"],
  ...["<h1><custom-el><h2>", "<p><marquee><table>", "<table>x<tr>y", "<b><i></b></i>", "<a href=x><div><a href=y>"],
);
const hostile = fc
  .array(fc.oneof({ arbitrary: startTag, weight: 4 }, { arbitrary: endTag, weight: 2 }, { arbitrary: text, weight: 4 }, construct), {
    maxLength: 24,
  })
  .map((tokens) => tokens.join(""));

const document = domino.createDocument("<!doctype html><html><head></head><body></body></html>");

/** `html` as the oracle reads it in a page's body. */
function oracle(html: string) {
  document.body.innerHTML = html;
  return document.body;
}

/** Every element, attribute and URL in `html`, as the oracle reads it, is allowed; there is no comment. */
function expectAllowed(html: string) {
  const walk = (node: OracleNode) => {
    for (const child of Array.from(node.childNodes)) {
      expect(child.nodeType, `a comment in ${html}`).not.toBe(8);
      if (child.nodeType !== 1) continue;
      const element = child as OracleElement;
      const tag = element.localName;
      expect(element.namespaceURI, html).toBe("http://www.w3.org/1999/xhtml");
      expect(Object.keys(ALLOWED), html).toContain(tag);
      for (const { name, value } of Array.from(element.attributes)) {
        expect(["title", "lang", "dir", ...(ALLOWED[tag] ?? [])], html).toContain(name);
        if (["href", "src", "cite"].includes(name)) expect(safeUrl(name, tag, value), `${name}="${value}" in ${html}`).toBe(true);
      }
      walk(element);
    }
  };
  walk(oracle(html));
}

/** An article whose body is `html` and with no summary, so RSS gives the excerpt too. */
const articleOf = (html: string): Article =>
  ArticleSchema.parse({
    id: "hostile",
    title: "Hostile",
    ...(html.trim() ? { contentHtml: html } : { summary: "none" }),
    authors: [{ name: "Ann" }],
    published: "2026-03-01T09:00:00Z",
  });

const BODY = defaultTreeAdapter.createElement("body", p5.NS.HTML, []);

describe("sanitizeHtml on hostile markup", () => {
  it(`lets out only allowed markup, reads back as itself in two independent parsers, and is idempotent (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(hostile, (input) => {
        const { html } = sanitizeHtml(input, BASE);
        expect(sanitizeHtml(html, BASE), "sanitising again changes nothing").toEqual({ html, changes: [] });
        expect(badCodePoints(html), "no code point a strict reader fails on").toEqual([]);
        expectAllowed(html);
        // domino drops a leading U+FEFF as a decoder drops a byte order mark (storage trims it anyway).
        expect(oracle(html).innerHTML, "the oracle writes back the same bytes").toBe(html.replace(/^\uFEFF/, ""));
        // parse5 8 still writes < and > in attribute values raw (whatwg/html#6362 came later); the rest is byte for byte.
        if (!/="[^"]*&[lg]t;/.test(html)) expect(serialize(parseFragment(BODY, html, {})), "parse5 writes back the same bytes").toBe(html);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`keeps what it lets out in its context in every format and the article page (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (input) => {
        const article = articleOf(sanitizeHtml(input, BASE).html);
        const feed = buildFeed(SETTINGS, [article]);
        const [item] = feed.items;
        if (!item) throw new Error("no item");
        const rss = renderRss(feed);
        const atom = renderAtom(feed);
        expect(XMLValidator.validate(rss)).toBe(true);
        expect(XMLValidator.validate(atom)).toBe(true);
        const fromRss = (parseFeed(rss).feed as any).items[0];
        const fromAtom = (parseFeed(atom).feed as any).entries[0];
        const fromJson = JSON.parse(renderJson(feed)).items[0];
        const read = [fromRss.content.encoded, fromAtom.content.value, fromJson.content_html];
        expect(read, "every format reads back the body exactly").toEqual([item.contentHtml, item.contentHtml, item.contentHtml]);
        if (item.excerptHtml) {
          expect(fromRss.description).toBe(item.excerptHtml);
          expect(sanitizeHtml(item.excerptHtml, BASE), "the excerpt is whole markup").toEqual({ html: item.excerptHtml, changes: [] });
          expectAllowed(item.excerptHtml);
        }
        for (const body of read) expectAllowed(body);
        // The page: the body stays inside <article>, and reads as itself there.
        const page = domino.createDocument(String(await articlePage(item, SETTINGS, [MAIN])));
        expect(Array.from(page.body.children).map((e) => e.localName)).toEqual(["header", "main", "footer"]);
        expect(Array.from(page.querySelector("main")?.children ?? []).map((e) => e.localName)).toEqual(["article"]);
        expect(
          page.querySelector("main > article")?.innerHTML.endsWith(`\n${item.contentHtml}\n\n`),
          "the page holds the body as it is",
        ).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
