import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { documentUrls, type FeedFormat, FORMATS } from "../feed/formats";
import { describeFeed } from "../feed/model";
import type { Scope } from "../scopes";
import type { Settings } from "../settings";
import { ASSETS } from "./assets";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The media type of every page (Hono's `c.html` would spell it `UTF-8`). */
export const HTML_TYPE = "text/html; charset=utf-8";

export const FORMAT_NAMES: Record<FeedFormat, string> = { rss: "RSS", atom: "Atom", json: "JSON Feed" };

/** Languages written right to left, and the scripts that make any language so (`az-Arab`). */
const RTL = /^(?:ar|arc|ckb|dv|fa|he|iw|ks|ku-arab|ps|sd|syr|ug|ur|yi)(?:-|$)|-(?:arab|hebr|syrc|thaa|nkoo|adlm|rohg)(?:-|$)/i;

export const direction = (lang: string) => (RTL.test(lang) ? "rtl" : "ltr");

/** `lang` and `dir` for an element whose language differs from the page's; nothing otherwise. */
export const languageOf = (lang: string | undefined, pageLang: string) =>
  lang && lang !== pageLang ? html` lang="${lang}" dir="${direction(lang)}"` : "";

/** Each scope's feeds in every format: the autodiscovery links, then the list of all of them. */
function discovery(settings: Settings, scopes: Pick<Scope, "kind" | "slug" | "name">[]): Html {
  return html`${scopes.map((scope) => {
    const { title } = describeFeed(settings, scope);
    const urls = documentUrls(settings.siteUrl, scope);
    return (Object.keys(FORMATS) as FeedFormat[]).map(
      (f) => html`<link rel="alternate" type="${FORMATS[f].type}" title="${title} (${FORMAT_NAMES[f]})" href="${urls[f]}">
`,
    );
  })}<link rel="outline" type="text/x-opml" title="All feeds (OPML)" href="${settings.siteUrl}/feeds.opml">`;
}

/** A scope's feeds as visible links: `RSS · Atom · JSON Feed`. */
export function formatLinks(settings: Settings, scope: Pick<Scope, "kind" | "slug">): Html {
  const urls = documentUrls(settings.siteUrl, scope);
  return html`${(Object.keys(FORMATS) as FeedFormat[]).map((f, i) => html`${i ? " · " : ""}<a href="${urls[f]}">${FORMAT_NAMES[f]}</a>`)}`;
}

/** Newer and older pages of a list, when there are any. */
export function pager(label: string, noun: string, newer?: string, older?: string): Html | "" {
  if (!newer && !older) return "";
  return html`<nav class="pager" aria-label="${label}">${newer ? html`<a href="${newer}" rel="prev">← Newer ${noun}</a>` : html`<span></span>`}${
    older ? html`<a href="${older}" rel="next">Older ${noun} →</a>` : ""
  }</nav>`;
}

/** The same feeds as visible links, for people. */
function feedList(settings: Settings, scopes: Pick<Scope, "kind" | "slug" | "name">[]): Html {
  return html`<ul>
${scopes.map(
  (scope) => html`<li>${describeFeed(settings, scope).title}: ${formatLinks(settings, scope)}</li>
`,
)}<li><a href="${settings.siteUrl}/feeds.opml">Every feed of the site, as OPML</a></li>
</ul>`;
}

export interface Frame {
  /** The document's `<title>`. */
  title: string;
  /** The scopes whose feeds the page offers: in the head for feed readers, in the footer for people. */
  scopes: Pick<Scope, "kind" | "slug" | "name">[];
  /** What only this page needs in its head (say, `<meta name="robots">`). */
  head?: Html;
}

/**
 * The frame of every HTML page (home, scope, article, feed preview, and any page to come):
 * masthead, `main`, and a footer listing the page's feeds; one stylesheet and one icon,
 * both first-party, nothing else loaded. The page is in the site's language; content in
 * another says so on its own element (`languageOf`).
 */
export function layout(settings: Settings, frame: Frame, main: Html): Html {
  return html`<!doctype html>
<html lang="${settings.language}" dir="${direction(settings.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${frame.title}</title>
<link rel="stylesheet" href="${ASSETS.stylesheet.path}">
<link rel="icon" type="image/svg+xml" href="${ASSETS.icon.path}">
${discovery(settings, frame.scopes)}
${frame.head ?? ""}
</head>
<body>
<header class="masthead"><div class="wrap">
<a class="site" href="${settings.siteUrl}/">${settings.title}</a>
<nav aria-label="Feeds"><ul class="inline"><li><a href="#feeds">Follow in a feed reader</a></li><li><a href="${settings.siteUrl}/feeds.opml">All feeds (OPML)</a></li></ul></nav>
</div></header>
<main class="wrap">
${main}
</main>
<footer class="colophon"><div class="wrap">
<h2 id="feeds">Feeds on this page</h2>
<p>Copy a feed's address into your feed reader (NetNewsWire, Feedly, Inoreader, Miniflux, newsboat…), or this page's address: readers find the feeds on their own.</p>
${feedList(settings, frame.scopes)}
<p>${settings.copyright}</p>
</div></footer>
</body>
</html>`;
}
