import type { Article } from "../article";
import { atom } from "../render/atom";
import { json } from "../render/json";
import type { FeedParts } from "../render/parts";
import { rss } from "../render/rss";
import type { Settings } from "../settings";
import type { FeedFormat } from "./formats";
import { type Feed, toItem } from "./model";

const PARTS: Record<FeedFormat, FeedParts> = { rss, atom, json };
const encoder = new TextEncoder();
/** Each format's separator and tail: the same in every document, so encoded once. */
const FIXED = Object.fromEntries(
  Object.entries(PARTS).map(([format, parts]) => [
    format,
    { separator: encoder.encode(parts.separator), tail: encoder.encode(parts.tail) },
  ]),
) as Record<FeedFormat, { separator: Uint8Array; tail: Uint8Array }>;

/**
 * Each item's bytes, kept per isolate by settings, format and article etag: an etag
 * names one version of an article, so its bytes never change. Measured in workerd
 * (`npm run bench`), rendering and encoding the items is nearly all of a render; with
 * them kept, a feed that gained one article renders and encodes that one only.
 */
const kept = new WeakMap<Settings, { bytes: number; items: Map<string, Uint8Array> }>();
/** Within a fixed share of the isolate's 128 MB, least recently used first out. */
const KEPT_BYTES = 16 * 1024 * 1024;

/**
 * A feed document as UTF-8 bytes: its head (from `meta`, what the document says about
 * itself), each article's item (kept or made), its tail.
 */
export function encodeFeed(settings: Settings, format: FeedFormat, meta: Feed, articles: Article[], etags: string[]): Uint8Array {
  const parts = PARTS[format];
  let cache = kept.get(settings);
  if (!cache) {
    cache = { bytes: 0, items: new Map() };
    kept.set(settings, cache);
  }
  const { items } = cache;
  const { separator, tail } = FIXED[format];
  const chunks = [encoder.encode(parts.head(meta))];
  articles.forEach((article, i) => {
    const key = `${format} ${etags[i]}`;
    let bytes = items.get(key);
    if (bytes)
      items.delete(key); // re-inserted below: most recently used last
    else {
      bytes = encoder.encode(parts.item(toItem(settings, article)));
      cache.bytes += bytes.length;
    }
    items.set(key, bytes);
    if (i > 0 && separator.length > 0) chunks.push(separator);
    chunks.push(bytes);
  });
  chunks.push(tail);
  for (const [key, bytes] of items) {
    if (cache.bytes <= KEPT_BYTES) break;
    items.delete(key);
    cache.bytes -= bytes.length;
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
