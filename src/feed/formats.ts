import { type Scope, scopePath } from "../scopes";

/** The three formats every feed document comes in: its file name and media type. */
export const FORMATS = {
  rss: { file: "feed.xml", type: "application/rss+xml" },
  atom: { file: "atom.xml", type: "application/atom+xml" },
  json: { file: "feed.json", type: "application/feed+json" },
} as const;
export type FeedFormat = keyof typeof FORMATS;
export type DocumentUrls = Record<FeedFormat, string>;

/** A feed document's URL in each format: the current one (page 0) or an archive page. */
export function documentUrls(siteUrl: string, scope: Pick<Scope, "kind" | "slug">, page = 0): DocumentUrls {
  const base = `${siteUrl}${scopePath(scope)}${page ? `/archive/${page}` : ""}`;
  return { rss: `${base}/${FORMATS.rss.file}`, atom: `${base}/${FORMATS.atom.file}`, json: `${base}/${FORMATS.json.file}` };
}

/** The HTML page of a feed document: the home page, a section's, author's or tag's page, or one of their archive pages. */
export const pageUrl = (siteUrl: string, scope: Pick<Scope, "kind" | "slug">, page = 0) =>
  `${siteUrl}${scopePath(scope)}${page ? `/archive/${page}` : scope.kind === "main" ? "/" : ""}`;
