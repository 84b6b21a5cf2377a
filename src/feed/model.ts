import type { Article, Author, Image } from "../article";
import { escapeXml } from "../render/escape";
import { MAIN, type Scope, scopePath } from "../scopes";
import type { Settings } from "../settings";
import type { FeedIndex } from "../store";
import { type DocumentUrls, documentUrls } from "./formats";

export interface Category {
  term: string;
  /** Where the term's own feed lives: `{site}/sections/` or `{site}/tags/`. */
  scheme: string;
}

/** One entry as every format shows it: links resolved, body composed, dates as written. */
export interface FeedItem {
  /** `tag:` URI (RFC 4151) from the article id alone: never changes when the article is edited. */
  id: string;
  link: string;
  title: string;
  summary?: string;
  /** With no summary, the body's first paragraph (HTML): RSS readers expect a description before content:encoded. */
  excerptHtml?: string;
  /** Lead figure + dateline + body: what a reader shows as the full article. */
  contentHtml: string;
  authors: Author[];
  published: string;
  updated: string;
  categories: Category[];
  image?: Image;
  /** Set only when it differs from the feed's language. */
  language?: string;
}

export interface FeedLinks {
  /** The HTML page the feed is about. */
  home: string;
  /** This document, in each format. */
  self: DocumentUrls;
  /** On an archive page: the current document (RFC 5005 `current`). */
  current?: DocumentUrls;
  /** The next older archive page (`prev-archive`; `next` for readers that page). */
  older?: DocumentUrls;
  /** On an archive page, the next newer one (`next-archive`). */
  newer?: DocumentUrls;
}

export interface Feed {
  id: string;
  title: string;
  description: string;
  language: string;
  copyright: string;
  links: FeedLinks;
  /** WebSub hubs (current documents only: nobody subscribes to an archive page). */
  hubs: string[];
  /** An archive page (RFC 5005 `fh:archive`). */
  archive: boolean;
  /** The newest `updated` among the items (never "now", so the same items give the same bytes). */
  updated?: string;
  /** The newest `published` among the items. */
  published?: string;
  /** How often to poll, kept in step with Cache-Control max-age: RSS `ttl` (minutes) and the syndication module. */
  ttlMinutes: number;
  updatePeriod: "hourly" | "daily";
  updateFrequency: number;
  items: FeedItem[];
}

export const articleUrl = (settings: Settings, id: string) => `${settings.siteUrl}/articles/${id}`;

/** Which document of which scope a feed is: its page, archive neighbours and the scope's name, from its index. */
export type FeedView = Pick<Scope, "kind" | "slug"> & Partial<Pick<FeedIndex, "name" | "page" | "older" | "newer">>;

export function feedLinks(settings: Settings, view: FeedView = MAIN): FeedLinks {
  const urls = (page: number) => documentUrls(settings.siteUrl, view, page);
  const links: FeedLinks = { home: `${settings.siteUrl}/`, self: urls(view.page ?? 0) };
  if (view.page) links.current = urls(0);
  if (view.older) links.older = urls(view.older);
  if (view.page && view.newer) links.newer = urls(view.newer);
  return links;
}

/** WebSub hubs are advertised on current documents only: nobody subscribes to an archive page. */
export const hubsFor = (settings: Settings, view: FeedView) => (view.page ? [] : settings.hubs);

/** Title, description and id of a scope's feed: the publication's, or one section's, author's or tag's. */
export function describeFeed(settings: Settings, view: FeedView): Pick<Feed, "id" | "title" | "description"> {
  const site = settings.title;
  // Feed ids are the scope's path (`/`, `/sections/world`): no article id starts with `/`, so none collides with an item id.
  const id = `tag:${settings.idAuthority}:${scopePath(view) || "/"}`;
  if (view.kind === "main") return { id, title: site, description: settings.description };
  const name = view.name ?? view.slug;
  const description = {
    section: `The ${name} section of ${site}.`,
    author: `Articles by ${name} in ${site}.`,
    tag: `Articles tagged “${name}” in ${site}.`,
  }[view.kind];
  return { id, title: `${name} · ${site}`, description };
}

function figure(image: Image): string {
  const size = `${image.width ? ` width="${image.width}"` : ""}${image.height ? ` height="${image.height}"` : ""}`;
  const caption = [image.caption && escapeXml(image.caption), image.credit && `<small>${escapeXml(image.credit)}</small>`]
    .filter(Boolean)
    .join(" ");
  return `<figure><img src="${escapeXml(image.url)}" alt="${escapeXml(image.caption ?? "")}"${size}>${
    caption ? `<figcaption>${caption}</figcaption>` : ""
  }</figure>`;
}

/** The article as a reader shows it: lead figure with caption and credit, dateline, then the body. */
export function articleBody(article: Article): string {
  return [
    article.image && figure(article.image),
    article.dateline && `<p class="dateline"><strong>${escapeXml(article.dateline)}</strong></p>`,
    article.contentHtml ?? `<p>${escapeXml(article.summary ?? "")}</p>`,
  ]
    .filter(Boolean)
    .join("\n");
}

const FIRST_PARAGRAPH = /<p[\s>][\s\S]*?<\/p>/;

export function toItem(settings: Settings, article: Article): FeedItem {
  const categories: Category[] = [
    ...(article.section ? [{ term: article.section, scheme: `${settings.siteUrl}/sections/` }] : []),
    ...article.tags.map((term) => ({ term, scheme: `${settings.siteUrl}/tags/` })),
  ];
  return {
    id: `tag:${settings.idAuthority}:${article.id}`,
    link: article.url ?? articleUrl(settings, article.id),
    title: article.title,
    summary: article.summary,
    excerptHtml: article.summary ? undefined : FIRST_PARAGRAPH.exec(article.contentHtml ?? "")?.[0],
    contentHtml: articleBody(article),
    authors: article.authors,
    published: article.published,
    updated: article.updated,
    categories,
    image: article.image,
    language: article.language && article.language !== settings.language ? article.language : undefined,
  };
}

const newest = (dates: string[]) =>
  dates.reduce<string | undefined>((best, d) => (best === undefined || Date.parse(d) > Date.parse(best) ? d : best), undefined);

/** A feed document without its items: what it says about itself, from its articles' dates. */
export function feedMeta(settings: Settings, articles: Article[], view: FeedView = MAIN): Feed {
  return {
    ...describeFeed(settings, view),
    language: settings.language,
    copyright: settings.copyright,
    links: feedLinks(settings, view),
    hubs: hubsFor(settings, view),
    archive: Boolean(view.page),
    updated: newest(articles.map((a) => a.updated)),
    published: newest(articles.map((a) => a.published)),
    ...pollingHints(view.page ? settings.archiveMaxAge : settings.maxAge),
    items: [],
  };
}

/** RSS `<ttl>` and the syndication module's hints, agreeing with the max-age the document is sent with. */
function pollingHints(maxAge: number): Pick<Feed, "ttlMinutes" | "updatePeriod" | "updateFrequency"> {
  const period = maxAge < 3600 ? 3600 : 86_400;
  return {
    ttlMinutes: Math.ceil(maxAge / 60),
    updatePeriod: period === 3600 ? "hourly" : "daily",
    updateFrequency: Math.max(1, Math.round(period / maxAge)),
  };
}

/** One feed document: settings, which document it is, and its articles (newest first) in; one format-neutral model out. */
export function buildFeed(settings: Settings, articles: Article[], view: FeedView = MAIN): Feed {
  return { ...feedMeta(settings, articles, view), items: articles.map((a) => toItem(settings, a)) };
}
