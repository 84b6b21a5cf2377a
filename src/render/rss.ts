import { rfc822 } from "../dates";
import type { Feed, FeedItem } from "../feed/model";
import { cdata, escapeXml as x } from "./escape";
import { feedLinkList } from "./links";
import { mediaContent } from "./media";
import { type FeedParts, renderWith } from "./parts";

// Hand-written for speed (string concatenation, one pass per field); the `feed`
// package stays in the tests as an oracle that must parse to the same items.

function item(i: FeedItem): string {
  let out = `<item><title>${x(i.title)}</title><link>${x(i.link)}</link><guid isPermaLink="false">${x(i.id)}</guid><pubDate>${rfc822(i.published)}</pubDate>`;
  if (i.summary) out += `<description>${x(i.summary)}</description>`;
  else if (i.excerptHtml) out += `<description>${cdata(i.excerptHtml)}</description>`;
  out += `<content:encoded>${cdata(i.contentHtml)}</content:encoded>`;
  for (const a of i.authors) out += `<dc:creator>${x(a.name)}</dc:creator>`;
  for (const c of i.categories) out += `<category domain="${x(c.scheme)}">${x(c.term)}</category>`;
  if (i.language) out += `<dc:language>${i.language}</dc:language>`;
  if (i.image) out += mediaContent(i.image);
  return `${out}</item>\n`;
}

function head(feed: Feed): string {
  let out = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:fh="http://purl.org/syndication/history/1.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
<title>${x(feed.title)}</title>
<link>${x(feed.links.home)}</link>
<description>${x(feed.description)}</description>
${feedLinkList(feed.links, feed.hubs, "rss")
  .map((l) => `<atom:link href="${x(l.href)}" rel="${l.rel}"${l.type ? ` type="${l.type}"` : ""}/>\n`)
  .join("")}${feed.archive ? "<fh:archive/>\n" : ""}<language>${feed.language}</language>
<copyright>${x(feed.copyright)}</copyright>
`;
  if (feed.published) out += `<pubDate>${rfc822(feed.published)}</pubDate>\n`;
  if (feed.updated) out += `<lastBuildDate>${rfc822(feed.updated)}</lastBuildDate>\n`;
  out += `<docs>https://www.rssboard.org/rss-specification</docs>\n<generator>feedwire</generator>\n<ttl>${feed.ttlMinutes}</ttl>\n`;
  out += `<sy:updatePeriod>${feed.updatePeriod}</sy:updatePeriod>\n<sy:updateFrequency>${feed.updateFrequency}</sy:updateFrequency>\n`;
  return out;
}

/** RSS 2.0 with the content, dc, atom, fh, media and sy namespaces. */
export const rss: FeedParts = { head, item, separator: "", tail: "</channel>\n</rss>\n" };
export const renderRss = (feed: Feed) => renderWith(rss, feed);
