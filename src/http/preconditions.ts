/**
 * Entity-tag lists from If-Match / If-None-Match (RFC 9110 §8.8.3, §13.1.1-2).
 * `*` matches any current representation; otherwise a list of quoted tags, weak or strong.
 */
export type TagList = "*" | string[];

export function parseTagList(header: string | undefined | null): TagList | undefined {
  if (header == null) return undefined;
  if (header.trim() === "*") return "*";
  return header.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

const opaque = (tag: string) => tag.replace(/^W\//, "");

/** Strong comparison (If-Match): neither tag may be weak. */
export const strongMatch = (list: TagList, etag: string): boolean =>
  list === "*" || list.some((t) => !t.startsWith("W/") && !etag.startsWith("W/") && t === etag);

/** Weak comparison (If-None-Match): the opaque parts are equal. */
export const weakMatch = (list: TagList, etag: string): boolean => list === "*" || list.some((t) => opaque(t) === opaque(etag));
