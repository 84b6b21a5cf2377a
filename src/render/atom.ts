import type { Author } from "../article";
import type { Feed, FeedItem } from "../feed/model";
import { cdata, escapeXml as x } from "./escape";
import { feedLinkList } from "./links";
import { mediaContent } from "./media";
import { type FeedParts, renderWith } from "./parts";

// Hand-written for speed; see rss.ts.

/** RFC 4287 requires some `updated` on the feed; an empty feed has no items to take it from. */
const EPOCH = "1970-01-01T00:00:00Z";

function person(a: Author): string {
  let out = `<author><name>${x(a.name)}</name>`;
  if (a.url) out += `<uri>${x(a.url)}</uri>`;
  if (a.email) out += `<email>${x(a.email)}</email>`;
  return `${out}</author>`;
}

function entry(i: FeedItem): string {
  let out = i.language ? `<entry xml:lang="${i.language}">` : "<entry>";
  out += `<id>${x(i.id)}</id><title>${x(i.title)}</title><link rel="alternate" type="text/html" href="${x(i.link)}"/>`;
  out += `<published>${i.published}</published><updated>${i.updated}</updated>`;
  for (const a of i.authors) out += person(a);
  for (const c of i.categories) out += `<category term="${x(c.term)}" scheme="${x(c.scheme)}"/>`;
  if (i.summary) out += `<summary>${x(i.summary)}</summary>`;
  out += `<content type="html">${cdata(i.contentHtml)}</content>`;
  if (i.image) out += mediaContent(i.image);
  return `${out}</entry>\n`;
}

function head(feed: Feed): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:fh="http://purl.org/syndication/history/1.0" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="${feed.language}">
<id>${x(feed.id)}</id>
<title>${x(feed.title)}</title>
<subtitle>${x(feed.description)}</subtitle>
<updated>${feed.updated ?? EPOCH}</updated>
${feedLinkList(feed.links, feed.hubs, "atom")
  .map((l) => `<link rel="${l.rel}"${l.type ? ` type="${l.type}"` : ""} href="${x(l.href)}"/>\n`)
  .join("")}<link rel="alternate" type="text/html" href="${x(feed.links.home)}"/>${feed.archive ? "\n<fh:archive/>" : ""}
<rights>${x(feed.copyright)}</rights>
<generator>feedwire</generator>
`;
}

/** Atom 1.0 (RFC 4287) with Media RSS for the lead image and RFC 5005 archives. */
export const atom: FeedParts = { head, item: entry, separator: "", tail: "</feed>\n" };
export const renderAtom = (feed: Feed) => renderWith(atom, feed);
