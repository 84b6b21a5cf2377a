import type { Author } from "../article";
import type { Feed, FeedItem } from "../feed/model";

/** JSON Feed authors have no e-mail field; the spec allows a `mailto:` url instead. */
const author = (a: Author) => ({ name: a.name, url: a.url ?? (a.email ? `mailto:${a.email}` : undefined) });

function item(i: FeedItem) {
  return {
    id: i.id,
    url: i.link,
    title: i.title,
    content_html: i.contentHtml,
    summary: i.summary,
    image: i.image?.url,
    date_published: i.published,
    date_modified: i.updated,
    authors: i.authors.map(author),
    tags: i.categories.length ? [...new Set(i.categories.map((c) => c.term))] : undefined,
    language: i.language,
  };
}

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1); undefined members are left out by JSON.stringify. */
export function renderJson(feed: Feed): string {
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: feed.title,
    home_page_url: feed.links.home,
    feed_url: feed.links.json,
    description: feed.description,
    language: feed.language,
    items: feed.items.map(item),
  });
}
