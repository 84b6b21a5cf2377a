import type { Context } from "hono";
import { problem } from "../problem";
import { KIND_PATHS, MAIN, type Scope, slugify } from "../scopes";

/** Longest slug looked up: KV keys are at most 512 bytes. */
const SLUG_MAX = 200;

/** Where each scope's documents live: the main feed at the root, then `/sections/:slug` and the like. */
export const SCOPE_PREFIXES: [Scope["kind"], string][] = [
  ["main", ""],
  ...Object.entries(KIND_PATHS).map(([kind, path]) => [kind, `/${path}/:slug`] as [Scope["kind"], string]),
];

/** An archive page's path segment (RFC 5005 pages are numbered from 1). */
export const ARCHIVE = "/archive/:page{[1-9][0-9]{0,8}}";

/** The page number a path names: 0 for the current document. */
export const pageOf = (c: Context) => Number(c.req.param("page") ?? 0);

/** The scope a path names; a slug that is not one we make (say, in capitals) is no feed. */
export function scopeOf(c: Context, kind: Scope["kind"]): Pick<Scope, "kind" | "slug"> {
  if (kind === "main") return MAIN;
  const slug = c.req.param("slug") ?? "";
  if (slug.length > SLUG_MAX || slugify(slug) !== slug)
    problem(404, "Nothing is published here: no article has this section, author or tag.");
  return { kind, slug };
}
