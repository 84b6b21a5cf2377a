import type { Image } from "../article";
import { escapeXml } from "./escape";

/** The lead image as Media RSS `media:content`, with its caption and credit (shared by RSS and Atom). */
export function mediaContent(image: Image): string {
  const attrs = [
    `url="${escapeXml(image.url)}"`,
    `medium="image"`,
    image.type && `type="${image.type}"`,
    image.width && `width="${image.width}"`,
    image.height && `height="${image.height}"`,
  ].filter(Boolean);
  const children = [
    image.caption && `<media:description type="plain">${escapeXml(image.caption)}</media:description>`,
    image.credit && `<media:credit>${escapeXml(image.credit)}</media:credit>`,
  ].filter(Boolean);
  return `<media:content ${attrs.join(" ")}>${children.join("")}</media:content>`;
}
