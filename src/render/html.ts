import { html, raw } from "hono/html";
import { pageUrl } from "../feed/formats";
import type { Feed, FeedItem, FeedView } from "../feed/model";
import { MAIN, type Scope } from "../scopes";
import type { Settings } from "../settings";
import { formatLinks, type Html, languageOf, layout, pager } from "./layout";
import { byline, date, stories } from "./story";

/**
 * The HTML page of a feed document: the home page (the main feed) or a section's, author's
 * or tag's page, and their archive pages. The same articles as the feed, newest first,
 * with the scope's feeds to subscribe to.
 */
export function listPage(feed: Feed, settings: Settings, view: FeedView): Html {
  const scope = { kind: view.kind, slug: view.slug, name: view.name ?? view.slug };
  return layout(
    settings,
    { title: view.page ? `${feed.title} (page ${view.page})` : feed.title, scopes: [scope] },
    html`<h1>${feed.title}</h1>
<p class="lede">${feed.description}</p>
<section class="feeds" aria-labelledby="subscribe">
<h2 id="subscribe">Subscribe</h2>
<p>Follow ${view.kind === "main" ? "every article" : "these articles"} in your feed reader: ${formatLinks(settings, scope)}.</p>
</section>
${view.page ? html`<p class="meta">Archive page ${view.page}: older articles, as they were filed.</p>` : ""}
${feed.items.length ? stories(settings, feed.items) : html`<p>Nothing has been published yet.</p>`}
${pager(
  "Pages",
  "articles",
  view.page ? pageUrl(settings.siteUrl, view, view.newer ?? 0) : undefined,
  view.older ? pageUrl(settings.siteUrl, view, view.older) : undefined,
)}`,
  );
}

/** One article as a readable page (its link in the feeds when it has no canonical `url`), discovering the feeds it is in. */
export function articlePage(item: FeedItem, settings: Settings, scopes: Scope[]): Html {
  const link = (s: Scope) => html`<a href="${pageUrl(settings.siteUrl, s)}">${s.name}</a>`;
  const section = scopes.find((s) => s.kind === "section");
  const tags = scopes.filter((s) => s.kind === "tag");
  return layout(
    settings,
    { title: `${item.title} · ${settings.title}`, scopes },
    html`<article class="article"${languageOf(item.language, settings.language)}>
<header>
${section ? html`<p class="kicker">${link(section)}</p>` : ""}
<h1>${item.title}</h1>
${item.summary ? html`<p class="standfirst">${item.summary}</p>` : ""}
<p class="byline">By ${byline(settings, item)} · ${date(settings, item.published)}${
      item.updated !== item.published ? html` · updated ${date(settings, item.updated)}` : ""
    }</p>
</header>
${raw(item.contentHtml)}
${tags.length ? html`<p class="meta">Filed under ${tags.map((t, i) => html`${i ? ", " : ""}${link(t)}`)}</p>` : ""}
</article>`,
  );
}

/** A page that says one thing (a problem, as a person's browser shows it: src/http/errors.ts), in the site's frame. */
export const messagePage = (settings: Settings, title: string, text: string): Html =>
  layout(
    settings,
    { title: `${title} · ${settings.title}`, scopes: [MAIN] },
    html`<h1>${title}</h1>
<p>${text}</p>
<p><a href="${settings.siteUrl}/">The latest articles</a></p>`,
  );
