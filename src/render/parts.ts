import type { Feed, FeedItem } from "../feed/model";

/**
 * A feed format in parts: the document before its items, one item, what goes between
 * items and what closes the document. An item's part depends on the article and the
 * settings alone, so its bytes can be kept and reused (src/feed/encode.ts).
 */
export interface FeedParts {
  head(feed: Feed): string;
  item(item: FeedItem): string;
  separator: string;
  tail: string;
}

/** The whole document as one string. */
export const renderWith = (parts: FeedParts, feed: Feed) =>
  parts.head(feed) + feed.items.map(parts.item).join(parts.separator) + parts.tail;
