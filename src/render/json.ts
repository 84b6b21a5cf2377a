import type { Author } from "../article";
import type { Feed, FeedItem } from "../feed/model";
import { type FeedParts, renderWith } from "./parts";

// Written member by member with JSON.stringify for every value (so escaping stays the
// platform's): measured in workerd, faster than building objects and stringifying them.
const s = JSON.stringify;

/** JSON Feed authors have no e-mail field; the spec allows a `mailto:` url instead. */
function author(a: Author): string {
  const url = a.url ?? (a.email ? `mailto:${a.email}` : undefined);
  return url ? `{"name":${s(a.name)},"url":${s(url)}}` : `{"name":${s(a.name)}}`;
}

function item(i: FeedItem): string {
  let out = `{"id":${s(i.id)},"url":${s(i.link)},"title":${s(i.title)},"content_html":${s(i.contentHtml)}`;
  if (i.summary) out += `,"summary":${s(i.summary)}`;
  if (i.image) out += `,"image":${s(i.image.url)}`;
  out += `,"date_published":${s(i.published)},"date_modified":${s(i.updated)},"authors":[${i.authors.map(author).join(",")}]`;
  if (i.categories.length) out += `,"tags":${s([...new Set(i.categories.map((c) => c.term))])}`;
  if (i.language) out += `,"language":${s(i.language)}`;
  return `${out}}`;
}

function head(feed: Feed): string {
  let out = `{"version":"https://jsonfeed.org/version/1.1","title":${s(feed.title)},"home_page_url":${s(feed.links.home)},"feed_url":${s(
    feed.links.self.json,
  )},"description":${s(feed.description)},"language":${s(feed.language)}`;
  // The next older archive page: JSON Feed has no archive vocabulary, but readers page through next_url.
  if (feed.links.older) out += `,"next_url":${s(feed.links.older.json)}`;
  if (feed.hubs.length) out += `,"hubs":[${feed.hubs.map((url) => `{"type":"WebSub","url":${s(url)}}`).join(",")}]`;
  return `${out},"items":[`;
}

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1). */
export const json: FeedParts = { head, item, separator: ",", tail: "]}" };
export const renderJson = (feed: Feed) => renderWith(json, feed);
