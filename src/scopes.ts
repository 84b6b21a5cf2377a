import type { Article } from "./article";
import { fnv1a } from "./hash";

/**
 * A feed's scope: the whole publication, or one section, author or tag. Every article
 * belongs to the main scope and to one scope per section, author and tag it names.
 */
export type ScopeKind = "main" | "section" | "author" | "tag";

export interface Scope {
  kind: ScopeKind;
  /** URL-safe name: lower case letters and digits joined by `-` (empty for main). */
  slug: string;
  /** The name as the articles spell it (the most recent spelling wins). */
  name: string;
}

export const MAIN: Scope = { kind: "main", slug: "", name: "" };

/** URL path segment for each scoped kind: `/sections/{slug}/feed.xml`. */
export const KIND_PATHS = { section: "sections", author: "authors", tag: "tags" } as const;

/**
 * `Politique étrangère` → `politique-etrangere`; letters of any script are kept. A name
 * with no letter or digit at all (`+++`) gets a short hash of itself, so it still has a feed.
 */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  return slug || `x-${fnv1a(name)}`;
}

/** Scopes are stored under one string: `main`, `section:world`, `author:ann-writer`, `tag:climate`. */
export const scopeKey = (s: Pick<Scope, "kind" | "slug">) => (s.kind === "main" ? "main" : `${s.kind}:${s.slug}`);

/** The main scope, then the article's section, authors and tags (each once). */
export function scopesOf(article: Article): Scope[] {
  const named: Scope[] = [
    ...(article.section ? [{ kind: "section" as const, name: article.section }] : []),
    ...article.authors.map((a) => ({ kind: "author" as const, name: a.name })),
    ...article.tags.map((name) => ({ kind: "tag" as const, name })),
  ].map((s) => ({ ...s, slug: slugify(s.name) }));
  const unique = new Map(named.map((s) => [scopeKey(s), s]));
  return [MAIN, ...unique.values()];
}

/** Where a scope's feeds live, relative to the site: `` for main, `/sections/world` for a section. */
export const scopePath = (s: Pick<Scope, "kind" | "slug">) =>
  s.kind === "main" ? "" : `/${KIND_PATHS[s.kind]}/${encodeURIComponent(s.slug)}`;

/** `section:world` back to its kind and slug. */
export function parseScopeKey(key: string): Pick<Scope, "kind" | "slug"> {
  const at = key.indexOf(":");
  return at < 0 ? MAIN : { kind: key.slice(0, at) as ScopeKind, slug: key.slice(at + 1) };
}
