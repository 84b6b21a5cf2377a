import { html } from "hono/html";
import type { FeedFormat } from "../feed/formats";
import { pageUrl } from "../feed/formats";
import type { Feed, FeedView } from "../feed/model";
import type { Settings } from "../settings";
import { FORMAT_NAMES, type Html, layout, pager } from "./layout";
import { stories } from "./story";

const FORMAT_LONG: Record<FeedFormat, string> = { rss: "RSS 2.0", atom: "Atom 1.0", json: "JSON Feed 1.1" };

/**
 * What a person's browser shows for a feed URL (src/http/negotiate.ts): what a feed is and
 * its address to copy, then the feed's items as they are in the document, with links to
 * the raw document, its archive neighbours' previews and the scope's page.
 */
export function feedPreview(feed: Feed, settings: Settings, view: FeedView, format: FeedFormat): Html {
  const self = feed.links.self[format];
  const older = feed.links.older?.[format];
  const newer = view.page ? (feed.links.newer ?? feed.links.current)?.[format] : undefined;
  return layout(
    settings,
    { title: `${feed.title} (${FORMAT_NAMES[format]} feed)`, scopes: [{ kind: view.kind, slug: view.slug, name: view.name ?? view.slug }] },
    html`<section class="note" aria-labelledby="about-feed">
<h2 id="about-feed">This is a feed${feed.archive ? html`, an archive page` : ""}</h2>
<p>A feed reader shows you each new article as it is published. To follow this one (${FORMAT_LONG[format]}), copy its address into your reader:</p>
<p><code class="address">${self}</code></p>
<p><a href="${self}?raw">The feed document itself</a> · <a href="${pageUrl(settings.siteUrl, view, view.page)}">These articles as a web page</a></p>
</section>
<h1>${feed.title}</h1>
<p class="lede">${feed.description}</p>
${feed.items.length ? stories(settings, feed.items) : html`<p>This feed has no items yet.</p>`}
${pager("Archive", "items", newer, older)}`,
  );
}
