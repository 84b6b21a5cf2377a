import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { type Feed, type FeedItem, type FeedLinks, feedLinks } from "../feed/model";
import type { Settings } from "../settings";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `body{font:17px/1.6 Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}
a{color:#0b57a4}h1{line-height:1.2}figure{margin:1.5rem 0}img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#555}.meta{color:#555;font-size:.9rem}ol{padding-left:1.2rem}
li{margin-bottom:1rem}code{background:#f3f3f3;padding:0 .2rem}pre{overflow:auto;background:#f3f3f3;padding:.6rem}`;

function page(title: string, lang: string, links: FeedLinks, body: Html): Html {
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="alternate" type="application/rss+xml" title="RSS" href="${links.rss}">
<link rel="alternate" type="application/atom+xml" title="Atom" href="${links.atom}">
<link rel="alternate" type="application/feed+json" title="JSON Feed" href="${links.json}">
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
export function indexPage(feed: Feed): Html {
  return page(
    feed.title,
    feed.language,
    feed.links,
    html`<header><h1>${feed.title}</h1><p>${feed.description}</p></header>
<section>
<h2>Subscribe</h2>
<p>Paste this page's address, or one of the feeds below, into your feed reader (NetNewsWire, Feedly, Inoreader, Miniflux, newsboat…): it finds the feeds on its own.</p>
<ul>
<li><a href="${feed.links.rss}">RSS 2.0</a>: ${feed.links.rss}</li>
<li><a href="${feed.links.atom}">Atom 1.0</a>: ${feed.links.atom}</li>
<li><a href="${feed.links.json}">JSON Feed 1.1</a>: ${feed.links.json}</li>
</ul>
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

/** One article as a readable page: its link in the feeds when it has no canonical `url`. */
export function articlePage(item: FeedItem, settings: Settings): Html {
  const links = feedLinks(settings);
  const edited = item.updated !== item.published ? html` · updated ${date(item.updated)}` : "";
  return page(
    `${item.title} · ${settings.title}`,
    item.language ?? settings.language,
    links,
    html`<p class="meta"><a href="${links.home}">${settings.title}</a></p>
<article>
<h1>${item.title}</h1>
<p class="meta">By ${byline(item)} · ${date(item.published)}${edited}</p>
${item.summary ? html`<p><em>${item.summary}</em></p>` : ""}
${raw(item.contentHtml)}
${item.categories.length ? html`<p class="meta">Filed under ${item.categories.map((c) => c.term).join(", ")}</p>` : ""}
</article>`,
  );
}
