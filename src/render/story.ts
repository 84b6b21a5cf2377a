import { html, raw } from "hono/html";
import { pageUrl } from "../feed/formats";
import type { FeedItem } from "../feed/model";
import { slugify } from "../scopes";
import type { Settings } from "../settings";
import { type Html, languageOf } from "./layout";

const formats = new Map<string, Intl.DateTimeFormat>();

/** A date as its publisher wrote it (their wall-clock day, not UTC's), readable, with the exact instant in `datetime`. */
export function date(settings: Settings, rfc3339: string): Html {
  let format = formats.get(settings.language);
  if (!format) {
    format = new Intl.DateTimeFormat(settings.language, { dateStyle: "medium", timeZone: "UTC" });
    formats.set(settings.language, format);
  }
  return html`<time datetime="${rfc3339}">${format.format(Date.parse(`${rfc3339.slice(0, 10)}T12:00:00Z`))}</time>`;
}

/** The authors, each linked to their page on the site (which carries their feeds). */
export const byline = (settings: Settings, item: FeedItem): Html =>
  html`${item.authors.map(
    (a, i) =>
      html`${i ? (i === item.authors.length - 1 ? " and " : ", ") : ""}<a href="${pageUrl(settings.siteUrl, { kind: "author", slug: slugify(a.name) })}">${a.name}</a>`,
  )}`;

const size = ({ width, height }: { width?: number; height?: number }) =>
  html`${width ? html` width="${width}"` : ""}${height ? html` height="${height}"` : ""}`;

/** Articles as a list of cards: image, linked headline, byline and date, summary. */
export function stories(settings: Settings, items: FeedItem[]): Html {
  return html`<ol class="stories">
${items.map(
  (i) => html`<li class="story"${languageOf(i.language, settings.language)}>
${i.image ? html`<img src="${i.image.url}" alt="${i.image.caption ?? ""}" loading="lazy"${size(i.image)}>` : ""}
<h2><a href="${i.link}">${i.title}</a></h2>
<p class="meta">${byline(settings, i)} · ${date(settings, i.published)}</p>
${i.summary ? html`<p>${i.summary}</p>` : i.excerptHtml ? raw(i.excerptHtml) : ""}
</li>
`,
)}</ol>`;
}
