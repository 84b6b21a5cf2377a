import { Feed as FeedPackage } from "feed";
import type { Feed } from "../src/feed/model";

/**
 * The `feed` package fed the same model as our renderers: the oracle they must agree
 * with in the tests, and the reference the render benchmark compares them to.
 */
export function feedPackage(feed: Feed): FeedPackage {
  const out = new FeedPackage({
    id: feed.id,
    title: feed.title,
    description: feed.description,
    link: feed.links.home,
    language: feed.language,
    copyright: feed.copyright,
    updated: new Date(feed.updated ?? 0),
    feedLinks: feed.links.self,
  });
  for (const i of feed.items) {
    out.addItem({
      id: i.id,
      guid: i.id,
      title: i.title,
      link: i.link,
      description: i.summary,
      content: i.contentHtml,
      date: new Date(i.updated),
      published: new Date(i.published),
      author: i.authors.map((a) => ({ name: a.name, email: a.email, link: a.url })),
      category: i.categories.map((c) => ({ name: c.term, term: c.term, domain: c.scheme, scheme: c.scheme })),
    });
  }
  return out;
}
