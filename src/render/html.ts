import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { type DocumentUrls, documentUrls, FORMATS } from "../feed/formats";
import { describeFeed, type Feed, type FeedItem } from "../feed/model";
import { MAIN, type Scope } from "../scopes";
import type { Settings } from "../settings";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `body{font:17px/1.6 Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}
a{color:#0b57a4}h1{line-height:1.2}figure{margin:1.5rem 0}img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}.meta{color:#555;font-size:.9rem}ol{padding-left:1.2rem}
li{margin-bottom:1rem}code{background:#f3f3f3;padding:0 .2rem}pre{overflow:auto;background:#f3f3f3;padding:.6rem}`;

const FORMAT_NAMES = { rss: "RSS", atom: "Atom", json: "JSON Feed" } as const;

/** Autodiscovery: each feed the page belongs to, in every format, then the list of all of them. */
function discovery(settings: Settings, scopes: Scope[]): Html {
  return html`${scopes.map((scope) => {
    const { title } = describeFeed(settings, scope);
    const urls: DocumentUrls = documentUrls(settings.siteUrl, scope);
    return (Object.keys(FORMATS) as (keyof typeof FORMATS)[]).map(
      (f) => html`<link rel="alternate" type="${FORMATS[f].type}" title="${title} (${FORMAT_NAMES[f]})" href="${urls[f]}">
`,
    );
  })}<link rel="outline" type="text/x-opml" title="All feeds (OPML)" href="${settings.siteUrl}/feeds.opml">`;
}

export function page(title: string, lang: string, head: Html, body: Html): Html {
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${head}
<style>${raw(STYLE)}</style>
</head>
<body>
${body}
</body>
</html>`;
}

const date = (d: string) => html`<time datetime="${d}">${d.slice(0, 10)}</time>`;
const byline = (i: FeedItem) => i.authors.map((a) => a.name).join(", ");

/** The home page: the latest articles, feed autodiscovery and how to subscribe. */
export function indexPage(feed: Feed, settings: Settings): Html {
  const { self } = feed.links;
  return page(
    feed.title,
    feed.language,
    discovery(settings, [MAIN]),
    html`<header><h1>${feed.title}</h1><p>${feed.description}</p></header>
<section>
<h2>Subscribe</h2>
<p>Paste this page's address, or one of the feeds below, into your feed reader (NetNewsWire, Feedly, Inoreader, Miniflux, newsboat…): it finds the feeds on its own.</p>
<ul>
<li><a href="${self.rss}">RSS 2.0</a>: ${self.rss}</li>
<li><a href="${self.atom}">Atom 1.0</a>: ${self.atom}</li>
<li><a href="${self.json}">JSON Feed 1.1</a>: ${self.json}</li>
</ul>
<p>Every section, author and tag has its own feeds too: <a href="${settings.siteUrl}/feeds.opml">all of them as OPML</a>, to import into a reader at once.</p>
</section>
<main>
<h2>Latest</h2>
<ol>
${feed.items.map(
  (i) => html`<li><a href="${i.link}">${i.title}</a><br><span class="meta">${byline(i)} · ${date(i.published)}</span>${
    i.summary ? html`<br>${i.summary}` : ""
  }</li>
`,
)}
</ol>
</main>`,
  );
}

/** One article as a readable page (its link in the feeds when it has no canonical `url`), discovering the feeds it is in. */
export function articlePage(item: FeedItem, settings: Settings, scopes: Scope[]): Html {
  const edited = item.updated !== item.published ? html` · updated ${date(item.updated)}` : "";
  return page(
    `${item.title} · ${settings.title}`,
    item.language ?? settings.language,
    discovery(settings, scopes),
    html`<p class="meta"><a href="${settings.siteUrl}/">${settings.title}</a></p>
<article>
<h1>${item.title}</h1>
<p class="meta">By ${byline(item)} · ${date(item.published)}${edited}</p>
${item.summary ? html`<p><em>${item.summary}</em></p>` : ""}
${raw(item.contentHtml)}
${item.categories.length ? html`<p class="meta">Filed under ${item.categories.map((c) => c.term).join(", ")}</p>` : ""}
</article>`,
  );
}
