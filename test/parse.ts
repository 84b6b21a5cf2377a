import { parseFeed } from "feedsmith";
import { expect } from "vitest";
import { request } from "./helpers";

/** A feed document as an independent parser (feedsmith) reads it, with what the tests ask of any format. */
export interface ParsedFeed {
  res: Response;
  body: string;
  format: string;
  // Read loosely: the assertions, not the parser's types, say what must be there.
  feed: Record<string, any>;
  items: Record<string, any>[];
  /** Item ids: RSS guid, Atom id, JSON Feed id. */
  ids: string[];
  /** The href of the document's link with this rel (RSS atom:link, Atom link; JSON Feed `next_url` for "next"). */
  link: (rel: string) => string | undefined;
}

export async function fetchFeed(path: string, init?: RequestInit, status = 200): Promise<ParsedFeed> {
  const res = await request(path, init);
  expect(res.status, path).toBe(status);
  const body = await res.text();
  const { format, feed } = parseFeed(path.endsWith(".json") ? JSON.parse(body) : body) as { format: string; feed: Record<string, any> };
  const items: Record<string, any>[] = (format === "atom" ? feed.entries : feed.items) ?? [];
  const ids = items.map((i) => (format === "rss" ? i.guid?.value : i.id));
  const links: { rel: string; href: string }[] = (format === "rss" ? feed.atom?.links : feed.links) ?? [];
  const link = (rel: string) =>
    format === "json"
      ? rel === "next"
        ? feed.next_url
        : rel === "self"
          ? feed.feed_url
          : undefined
      : links.find((l) => l.rel === rel)?.href;
  return { res, body, format, feed, items, ids, link };
}

/** Follows `rel` links (prev-archive, or next) from a document to the end: each document's item ids, in order. */
export async function walk(path: string, rel: string): Promise<{ paths: string[]; ids: string[] }> {
  const paths: string[] = [];
  const ids: string[] = [];
  for (let at: string | undefined = path; at; ) {
    expect(paths, "a document links back to one already visited").not.toContain(at);
    paths.push(at);
    const doc = await fetchFeed(at);
    ids.push(...doc.ids);
    const next = doc.link(rel);
    at = next ? new URL(next).pathname : undefined;
  }
  return { paths, ids };
}
