import { describe, expect, it } from "vitest";
import { sanitizeHtml } from "../src/sanitize";

const BASE = "https://example.com/a/b";
const sanitize = (html: string) => sanitizeHtml(html, BASE);
const sanitized = (html: string) => sanitize(html).html;

/** A realistic article that breaks no rule, written as the sanitiser writes HTML: it must come out byte for byte, with no changes. */
const CLEAN_ARTICLE = `<h2>What happened</h2>
<p>The <strong>central bank</strong> raised rates by <em>0.25 points</em> on Tuesday, <a href="https://example.com/markets/rates" title="Rates explained">its third rise this year</a>.</p>
<figure><img src="https://example.com/media/chart.png" alt="The base rate since 2020" width="640" height="360"><figcaption>The base rate since 2020. <small>Source: the bank</small></figcaption></figure>
<blockquote cite="https://example.com/speeches/2026-03-01"><p>“Inflation is not yet beaten,” the governor said.</p></blockquote>
<ul><li>Mortgages: up</li><li>Savings: <mark>up</mark></li></ul>
<ol start="3"><li>Third</li><li value="4">Fourth</li></ol>
<pre><code>if (rate &lt; 5 &amp;&amp; inflation &gt; 2) {
  raise();
}</code></pre>
<table><caption>Base rate</caption><thead><tr><th scope="col">Year</th><th scope="col">Rate</th></tr></thead><tbody><tr><td>2025</td><td>4.50%</td></tr></tbody></table>
<p lang="fr">Voir aussi&nbsp;: <a href="mailto:desk@example.com">desk@example.com</a>, <time datetime="2026-03-01T09:00:00Z">1 March</time>.</p>
<details open=""><summary>Method</summary><p>We used the <abbr title="Consumer Price Index">CPI</abbr>; see <a href="https://example.com/s?q=cpi&amp;page=2">the archive</a>.</p></details>
<hr><p>Reporting by A.&nbsp;Writer<br>Editing by B.&nbsp;Editor</p>`;

describe("sanitizeHtml: elements removed with their content", () => {
  it.each([
    ["script", "<script>alert(1)</script>"],
    ["style", "<style>body { display: none }</style>"],
    ["iframe", `<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;">fallback</iframe>`],
    ["object", `<object data="javascript:alert(1)">fallback</object>`],
    ["embed", `<embed src="javascript:alert(1)">`],
    ["applet", `<applet code="Evil.class">fallback</applet>`],
    ["form", `<form action="javascript:alert(1)"><input name="q"><button>Go</button></form>`],
    ["input", `<input onfocus="alert(1)" autofocus>`],
    ["button", `<button formaction="javascript:alert(1)">Click</button>`],
    ["select", `<select onfocus="alert(1)" autofocus><option>one</option></select>`],
    ["textarea", `<textarea onfocus="alert(1)" autofocus>text</textarea>`],
    ["noscript", `<noscript><img src="x" onerror="alert(1)"></noscript>`],
    ["template", `<template><img src="x" onerror="alert(1)"></template>`],
    ["svg", `<svg onload="alert(1)"><script>alert(2)</script></svg>`],
    ["math", `<math><mi xlink:href="javascript:alert(1)">click</mi></math>`],
    ["link", `<link rel="stylesheet" href="https://evil.example/x.css">`],
    ["meta", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`],
    ["base", `<base href="javascript:alert(1)//">`],
    ["title", "<title>Page title</title>"],
    ["xmp", `<xmp><img src="x" onerror="alert(1)"></xmp>`],
    ["noembed", `<noembed><img src="x" onerror="alert(1)"></noembed>`],
    ["noframes", `<noframes><img src="x" onerror="alert(1)"></noframes>`],
  ])("removes <%s> and everything in it", (tag, markup) => {
    const result = sanitize(`<p>before</p>${markup}<p>after</p>`);
    expect(result).toEqual({ html: "<p>before</p><p>after</p>", changes: [`removed 1 <${tag}> element`] });
  });

  it.each([
    ["frame", `<frame src="javascript:alert(1)">`],
    ["frameset", `<frameset onload="alert(1)"><frame src="x.html"></frameset>`],
    ["head", "<head></head>"],
    ["html", `<html onload="alert(1)">`],
    ["body", `<body onload="alert(1)">`],
    ["a stray end", "</embed></script></title></style></textarea></xmp></p>"],
  ])("drops a %s tag, which a browser ignores in a page's body", (_, markup) => {
    expect(sanitize(`<p>before</p>${markup}<p>after</p>`).html).toMatch(/^<p>before<\/p>(<p><\/p>)?<p>after<\/p>$/);
  });

  it("removes the head's elements, each by name", () => {
    const result = sanitize(`<p>before</p><head><title>Page title</title><meta charset="utf-8"></head><p>after</p>`);
    expect(result).toEqual({ html: "<p>before</p><p>after</p>", changes: ["removed 1 <meta> element", "removed 1 <title> element"] });
  });

  it("removes <plaintext> with the rest of the document, which it turns into raw text", () => {
    const result = sanitize(`<p>before</p><plaintext><img src="x" onerror="alert(1)">`);
    expect(result).toEqual({ html: "<p>before</p>", changes: ["removed 1 <plaintext> element"] });
  });

  it("removes a script nested deep inside allowed elements", () => {
    const result = sanitize("<div><p>a<script>alert(1)</script>b</p><ul><li><script>x()</script>c</li></ul></div>");
    expect(result).toEqual({ html: "<div><p>ab</p><ul><li>c</li></ul></div>", changes: ["removed 2 <script> elements"] });
  });

  it("removes an element left open to the end of the input, with the rest of the input", () => {
    const result = sanitize(`<p>kept</p><form><p>inside the form`);
    expect(result).toEqual({ html: "<p>kept</p>", changes: ["removed 1 <form> element"] });
  });

  it("removes a <source> outside <picture>", () => {
    const result = sanitize(`<source src="https://example.com/v.mp4"><p>x</p>`);
    expect(result).toEqual({ html: "<p>x</p>", changes: ["removed 1 <source> element"] });
  });
});

describe("sanitizeHtml: other elements are unwrapped", () => {
  it("drops the tags of unknown and disallowed elements and keeps their content", () => {
    const result = sanitize(
      `<center><font color="red">Big</font> news</center> <custom-el data-x="1">text</custom-el><article><section><p>x</p></section></article>`,
    );
    expect(result.html).toBe("Big news text<p>x</p>");
    expect(result.changes).toEqual([
      "unwrapped 1 <article> element, keeping the content",
      "unwrapped 1 <center> element, keeping the content",
      "unwrapped 1 <custom-el> element, keeping the content",
      "unwrapped 1 <font> element, keeping the content",
      "unwrapped 1 <section> element, keeping the content",
    ]);
  });

  it("takes a whole HTML document down to its body content, dropping the doctype and the head", () => {
    const result = sanitize(`<!DOCTYPE html><html lang="en"><head><title>T</title></head><body onload="alert(1)"><p>x</p></body></html>`);
    expect(result).toEqual({ html: "<p>x</p>", changes: ["removed 1 <title> element", "removed the doctype"] });
  });

  it("reads <image> as <img>, as browsers do, and sanitises it as one", () => {
    const result = sanitize(`<image src="x" onerror="alert(1)">`);
    expect(result).toEqual({
      html: `<img src="https://example.com/a/x">`,
      changes: ["removed the onerror attribute from 1 element", `resolved 1 relative URL against ${BASE}`],
    });
  });

  it("keeps <source> inside <picture>, without srcset", () => {
    const result = sanitize(
      `<picture><source src="https://example.com/a.webp" srcset="a.webp 2x" type="image/webp"><img src="https://example.com/a.jpg" alt=""></picture>`,
    );
    expect(result).toEqual({
      html: `<picture><source src="https://example.com/a.webp" type="image/webp"><img src="https://example.com/a.jpg" alt=""></picture>`,
      changes: ["removed the srcset attribute from 1 element"],
    });
  });
});

describe("sanitizeHtml: attributes", () => {
  it("removes onerror from <img src=x onerror=alert(1)>", () => {
    const result = sanitize("<img src=x onerror=alert(1)>");
    expect(result).toEqual({
      html: `<img src="https://example.com/a/x">`,
      changes: ["removed the onerror attribute from 1 element", `resolved 1 relative URL against ${BASE}`],
    });
  });

  it("removes onload from an image", () => {
    const result = sanitize(`<img src="https://example.com/i.png" onload="alert(1)" alt="i">`);
    expect(result).toEqual({
      html: `<img src="https://example.com/i.png" alt="i">`,
      changes: ["removed the onload attribute from 1 element"],
    });
  });

  it("removes onclick", () => {
    const result = sanitize(`<p onclick="alert(1)">x</p>`);
    expect(result).toEqual({ html: "<p>x</p>", changes: ["removed the onclick attribute from 1 element"] });
  });

  it("removes an uppercase ONCLICK, named in lowercase", () => {
    const result = sanitize(`<p ONCLICK="alert(1)">x</p><div OnClick=alert(1)>y</div>`);
    expect(result).toEqual({ html: "<p>x</p><div>y</div>", changes: ["removed the onclick attribute from 2 elements"] });
  });

  it("removes an event handler on an element whose other attributes are kept", () => {
    const result = sanitize(`<details open ontoggle="alert(1)"><summary>s</summary></details>`);
    expect(result).toEqual({
      html: `<details open=""><summary>s</summary></details>`,
      changes: ["removed the ontoggle attribute from 1 element"],
    });
  });

  it("removes style", () => {
    const result = sanitize(`<div style="background:url(javascript:alert(1))">x</div>`);
    expect(result).toEqual({ html: "<div>x</div>", changes: ["removed the style attribute from 1 element"] });
  });

  it("removes id and class so content cannot clobber the reader's page or styles", () => {
    const result = sanitize(`<p id="main" class="lead">x</p>`);
    expect(result).toEqual({
      html: "<p>x</p>",
      changes: ["removed the class attribute from 1 element", "removed the id attribute from 1 element"],
    });
  });

  it("keeps title, lang and dir on any allowed element", () => {
    const html = `<span title="t" lang="ar" dir="rtl">مرحبا</span>`;
    expect(sanitize(html)).toEqual({ html, changes: [] });
  });

  it("keeps a single-quoted value containing double quotes as one value, double-quoted and escaped", () => {
    const result = sanitize(`<img alt='x" onerror="alert(1)' onclick="y" src="https://example.com/i.png">`);
    expect(result).toEqual({
      html: `<img alt="x&quot; onerror=&quot;alert(1)" src="https://example.com/i.png">`,
      changes: ["removed the onclick attribute from 1 element"],
    });
  });

  it("keeps the first of repeated attributes, as browsers do", () => {
    const result = sanitize(`<a href="https://example.com/ok" href="javascript:alert(1)">x</a>`);
    expect(result).toEqual({ html: `<a href="https://example.com/ok">x</a>`, changes: ["removed 1 duplicate href attribute"] });
  });

  it('writes attribute values back as characters, escaping only & " < > and U+00A0', () => {
    const result = sanitize(`<a href="https://example.com/s?a=1&amp;b=2" title="Tom &amp; Jerry &eacute;&nbsp;<b>&apos;">x</a>`);
    expect(result).toEqual({
      html: `<a href="https://example.com/s?a=1&amp;b=2" title="Tom &amp; Jerry é&nbsp;&lt;b&gt;'">x</a>`,
      changes: [],
    });
  });

  it("escapes < and > in attribute values (whatwg/html#6362), so no attribute reads as a tag, even to a regex", () => {
    expect(sanitized(`<p title="</p><img src=x onerror=alert(1)>">x</p>`)).toBe(
      `<p title="&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;">x</p>`,
    );
  });
});

describe("sanitizeHtml: URLs", () => {
  it.each([
    ["plain", "javascript:alert(1)"],
    ["mixed case", "JaVaScRiPt:alert(1)"],
    ["leading spaces", "   javascript:alert(1)"],
    ["a tab", "java\tscript:alert(1)"],
    ["a newline", "java\nscript:alert(1)"],
    ["an encoded tab", "java&#x09;script:alert(1)"],
    ["a named tab", "java&Tab;script:alert(1)"],
    ["a named colon", "javascript&colon;alert(1)"],
    ["a decimal reference", "&#106;avascript:alert(1)"],
    ["a hex reference", "&#x6A;avascript:alert(1)"],
    [
      "padded references without semicolons",
      "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
    ],
    ["a colon reference without semicolon", "javascript&#58alert(1)"],
  ])("removes a javascript: href written with %s", (_, href) => {
    const result = sanitize(`<a href="${href}">x</a>`);
    expect(result).toEqual({ html: "<a>x</a>", changes: ["removed 1 javascript: URL"] });
  });

  it("removes a javascript: href written with a leading control character, and the character", () => {
    expect(sanitize(`<a href="\u0001javascript:alert(1)">x</a>`).changes).toEqual([
      "removed 1 javascript: URL",
      "removed 1 character no feed may carry (control characters, lone surrogates, noncharacters)",
    ]);
  });

  it("removes an unquoted javascript: href (OWASP)", () => {
    const result = sanitize(`<a href=javascript:alert(1)>x</a>`);
    expect(result).toEqual({ html: "<a>x</a>", changes: ["removed 1 javascript: URL"] });
  });

  it("removes vbscript: and file: URLs, naming each scheme", () => {
    const result = sanitize(`<a href="vbscript:msgbox(1)">x</a><img src="file:///etc/passwd">`);
    expect(result).toEqual({ html: "<a>x</a><img>", changes: ["removed 1 file: URL", "removed 1 vbscript: URL"] });
  });

  it("keeps a base64 data: image in img src", () => {
    const html = `<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=" alt="dot">`;
    expect(sanitize(html)).toEqual({ html, changes: [] });
  });

  it("refuses a data: URL in a link", () => {
    const result = sanitize(`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`);
    expect(result).toEqual({ html: "<a>x</a>", changes: ["removed 1 data: URL"] });
  });

  it("refuses a data: image in a link", () => {
    const result = sanitize(`<a href="data:image/png;base64,iVBORw0KGgo=">x</a>`);
    expect(result).toEqual({ html: "<a>x</a>", changes: ["removed 1 data: URL"] });
  });

  it("refuses an SVG data: image, which can carry script", () => {
    const result = sanitize(`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`);
    expect(result).toEqual({ html: "<img>", changes: ["removed 1 data: URL"] });
  });

  it("keeps mailto: in a link but not in an image", () => {
    const result = sanitize(`<a href="mailto:desk@example.com">desk</a><img src="mailto:desk@example.com">`);
    expect(result).toEqual({ html: `<a href="mailto:desk@example.com">desk</a><img>`, changes: ["removed 1 mailto: URL"] });
  });

  it("removes a URL that cannot be parsed", () => {
    const result = sanitize(`<a href="https://exa mple.com/">x</a>`);
    expect(result).toEqual({ html: "<a>x</a>", changes: ["removed 1 invalid URL"] });
  });

  it.each([
    ["path-relative", "x/y.html", "https://example.com/a/x/y.html"],
    ["root-relative", "/world/asia", "https://example.com/world/asia"],
    ["protocol-relative", "//cdn.example.org/i.png", "https://cdn.example.org/i.png"],
    ["parent-relative", "../up.html", "https://example.com/up.html"],
    ["query-only", "?page=2", "https://example.com/a/b?page=2"],
    ["fragment-only", "#notes", "https://example.com/a/b#notes"],
  ])("resolves a %s href against the base", (_, href, resolved) => {
    const result = sanitize(`<a href="${href}">x</a>`);
    expect(result).toEqual({ html: `<a href="${resolved}">x</a>`, changes: [`resolved 1 relative URL against ${BASE}`] });
  });

  it("resolves a protocol-relative URL to the base's scheme", () => {
    const result = sanitizeHtml(`<img src="//cdn.example.org/i.png">`, "http://example.com/");
    expect(result.html).toBe(`<img src="http://cdn.example.org/i.png">`);
  });

  it("resolves img src, source src and cite on blockquote, q, del and ins", () => {
    const result = sanitize(
      `<picture><source src="s.webp"><img src="i.png"></picture><blockquote cite="c1"><q cite="c2">q</q><del cite="c3">d</del><ins cite="c4">i</ins></blockquote>`,
    );
    expect(result.html).toBe(
      `<picture><source src="https://example.com/a/s.webp"><img src="https://example.com/a/i.png"></picture><blockquote cite="https://example.com/a/c1"><q cite="https://example.com/a/c2">q</q><del cite="https://example.com/a/c3">d</del><ins cite="https://example.com/a/c4">i</ins></blockquote>`,
    );
    expect(result.changes).toEqual([`resolved 6 relative URLs against ${BASE}`]);
  });

  it("refuses a javascript: cite", () => {
    const result = sanitize(`<blockquote cite="javascript:alert(1)">q</blockquote>`);
    expect(result).toEqual({ html: "<blockquote>q</blockquote>", changes: ["removed 1 javascript: URL"] });
  });

  it("decodes references before resolving and escapes & when writing back", () => {
    const result = sanitize(`<a href="/s?a=1&amp;b=&lt;2&gt;">x</a>`);
    expect(result.html).toBe(`<a href="https://example.com/s?a=1&amp;b=%3C2%3E">x</a>`);
  });

  it("normalises an absolute URL to its WHATWG form", () => {
    const result = sanitize(`<a href="HTTPS://Example.COM">x</a><a href="https://example.com/a b">y</a>`);
    expect(result).toEqual({
      html: `<a href="https://example.com/">x</a><a href="https://example.com/a%20b">y</a>`,
      changes: ["normalised 2 URLs"],
    });
  });

  it("judges a fragment-only link by the resolved URL, so a javascript: base cannot leak into it", () => {
    const result = sanitizeHtml(`<a href="#x">x</a>`, "javascript:alert(1)");
    expect(result).toEqual({ html: "<a>x</a>", changes: ["removed 1 javascript: URL"] });
  });

  it("refuses a base URL that is not a URL", () => {
    expect(() => sanitizeHtml("<p>x</p>", "not a url")).toThrow(TypeError);
  });
});

describe("sanitizeHtml: comments, doctype and text", () => {
  it("removes comments, conditional comments included", () => {
    const result = sanitize("<p>a<!-- secret -->b</p><!--[if IE]><script>alert(1)</script><![endif]-->");
    expect(result).toEqual({ html: "<p>ab</p>", changes: ["removed 2 comments"] });
  });

  it("does not count again a comment inside a removed element", () => {
    const result = sanitize("<svg><!-- c --><g></g></svg>");
    expect(result).toEqual({ html: "", changes: ["removed 1 <svg> element"] });
  });

  it("removes a leading doctype", () => {
    const result = sanitize("<!doctype html>\n<p>x</p>");
    expect(result).toEqual({ html: "\n<p>x</p>", changes: ["removed the doctype"] });
  });

  it("keeps non-ASCII text and emoji, and writes character references as characters but for & < > and U+00A0", () => {
    const result = sanitize(
      "<p>Zürich, 東京, مرحبا, Ελλάδα — 🎉 👩🏽‍💻 &eacute;&nbsp;&#x1F600;&#128512 &quot;&apos; &lt;b&gt; &amp;amp;</p>",
    );
    expect(result).toEqual({ html: "<p>Zürich, 東京, مرحبا, Ελλάδα — 🎉 👩🏽‍💻 é&nbsp;😀😀 \"' &lt;b&gt; &amp;amp;</p>", changes: [] });
  });

  it("escapes a bare < and > in text", () => {
    expect(sanitize("<p>a < b > c</p>")).toEqual({ html: "<p>a &lt; b &gt; c</p>", changes: [] });
  });

  it("does not let a removed tag join a bare < and what follows it into a new tag", () => {
    expect(sanitized("<<font>img src=x onerror=alert(1)>")).toBe("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("does not let a removed comment join a bare < and what follows it into a new tag", () => {
    expect(sanitized("<<!-- -->script>alert(1)<<!-- -->/script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it.each([
    ["a tag", "<p>a</p><img src=x onerror=alert(1)//"],
    ["an attribute value", `<p>a</p><a href="javascript:alert(1)`],
  ])("removes %s left unterminated at the end, which a reader might complete, saying so", (_, html) => {
    expect(sanitize(html)).toEqual({ html: "<p>a</p>", changes: ["removed a tag left unterminated at the end"] });
  });

  it("returns empty input unchanged", () => {
    expect(sanitize("")).toEqual({ html: "", changes: [] });
  });
});

describe("sanitizeHtml: clean content and stability", () => {
  it.each([
    ["an <li> an unwrapped <section> kept inside another <li>", "<ul><li>a<section><li>b</section></ul>", "<ul><li>a</li><li>b</li></ul>"],
    [
      "a <table> an unwrapped <marquee> kept inside a <p>",
      "<p><marquee><table><td>x</table>",
      "<p></p><table><tbody><tr><td>x</td></tr></tbody></table><p></p>",
    ],
    ["an <h2> an unwrapped element kept inside an <h1>", "<h1>a<custom-el><h2>b</h2></custom-el></h1>", "<h1>a</h1><h2>b</h2>"],
    ["a <pre> starting with newlines, which each reading would drop one of", "<pre>\n\n\n\nx</pre>", "<pre>x</pre>"],
  ])("writes %s as it reads back", (_, html, expected) => {
    expect(sanitized(html)).toBe(expected);
  });

  it("passes a realistic clean article through unchanged", () => {
    expect(sanitize(CLEAN_ARTICLE)).toEqual({ html: CLEAN_ARTICLE, changes: [] });
  });

  it("reports changes aggregated per kind, in a fixed order, whatever the order in the input", () => {
    const parts = [
      `<p onclick="x()" onclick="y()">a</p>`,
      "<script>1</script>",
      `<a href="javascript:alert(1)">b</a>`,
      "<font>c</font>",
      "<!-- d -->",
      `<img src="e.png" style="border:0">`,
      "<iframe></iframe>",
      "<script>2</script>",
    ];
    const forwards = sanitize(parts.join(""));
    const backwards = sanitize(parts.toReversed().join(""));
    const expected = [
      "removed 1 <iframe> element",
      "removed 2 <script> elements",
      "unwrapped 1 <font> element, keeping the content",
      "removed the onclick attribute from 1 element",
      "removed the style attribute from 1 element",
      "removed 1 duplicate onclick attribute",
      "removed 1 javascript: URL",
      `resolved 1 relative URL against ${BASE}`,
      "removed 1 comment",
    ];
    expect(forwards.changes).toEqual(expected);
    expect(backwards.changes).toEqual(expected);
  });

  it.each([
    ["the clean article", CLEAN_ARTICLE],
    [
      "an OWASP mix",
      `<img src=x onerror=alert(1)><svg onload=alert(1)></svg><a href="javascript&colon;alert(1)">x</a><iframe srcdoc="<script>alert(1)</script>"></iframe>`,
    ],
    [
      "a document",
      `<!DOCTYPE html><html><head><base href="javascript:alert(1)//"><meta http-equiv=refresh content=0></head><body><p>x</p></body></html>`,
    ],
    [
      "relative URLs and entities",
      `<a href="../x?a=1&b=2&amp;c=&quot;3&quot;">l</a><img src='//cdn.example.org/i.png' alt='say "hi"'><q cite="#q">q</q>`,
    ],
    ["unknown elements and comments", `<center><font>a</font><!-- b --><custom-el>c</custom-el></center>`],
    ["bare < and removals that join text", "a < b <<font>img src=x onerror=alert(1)> <<!---->/p>"],
    ["repeated attributes", `<a title=a title=b href=x href=javascript:alert(1) onclick=1 onclick=2>x</a>`],
    ["an unterminated tag", `<p>a</p><img src="x`],
    ["an unterminated unquoted attribute", `<p>a</p><img src=x onerror=alert(1)//`],
    ["non-normalised URLs", `<a href="HTTPS://Example.COM/a b?c=d e#f g">x</a><a href="https://example.com/caf&eacute; x">y</a>`],
    [
      "nested removals",
      `<div><form><svg><script>x</script></svg></form><p>ok</p></div><math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
    ],
    [
      "raw-text elements",
      `<xmp><img src=x onerror=alert(1)></xmp><noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
    ],
    ["pictures", `<source src=a><picture><source src=b srcset=c><img src=d></picture><picture/><source src=e>`],
  ])("is idempotent on %s", (_, html) => {
    const once = sanitize(html);
    const twice = sanitize(once.html);
    expect(twice).toEqual({ html: once.html, changes: [] });
  });
});
