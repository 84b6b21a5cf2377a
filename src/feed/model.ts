import type { Article, Author, Image } from "../article";
import { escapeXml } from "../render/escape";
import type { Settings } from "../settings";

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
  home: string;
  rss: string;
  atom: string;
  json: string;
}

export interface Feed {
  id: string;
  title: string;
  description: string;
  language: string;
  copyright: string;
  links: FeedLinks;
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

export const feedLinks = (settings: Settings): FeedLinks => ({
  home: `${settings.siteUrl}/`,
  rss: `${settings.siteUrl}/feed.xml`,
  atom: `${settings.siteUrl}/atom.xml`,
  json: `${settings.siteUrl}/feed.json`,
});

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

/** The main feed: settings and articles (newest first) in, one format-neutral model out. */
export function buildFeed(settings: Settings, articles: Article[]): Feed {
  const items = articles.map((a) => toItem(settings, a));
  return {
    id: `tag:${settings.idAuthority}:feed`,
    title: settings.title,
    description: settings.description,
    language: settings.language,
    copyright: settings.copyright,
    links: feedLinks(settings),
    updated: newest(items.map((i) => i.updated)),
    published: newest(items.map((i) => i.published)),
    ttlMinutes: Math.ceil(settings.maxAge / 60),
    updatePeriod: settings.maxAge < 3600 ? "hourly" : "daily",
    updateFrequency: Math.max(1, Math.round((settings.maxAge < 3600 ? 3600 : 86_400) / settings.maxAge)),
    items,
  };
}
