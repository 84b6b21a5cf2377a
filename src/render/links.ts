import { type FeedFormat, FORMATS } from "../feed/formats";
import type { FeedLinks } from "../feed/model";

export interface Link {
  rel: string;
  href: string;
  /** Media type, for links to a feed document in the same format. */
  type?: string;
}

/**
 * A document's links in one format: `self` and the WebSub hubs, then RFC 5005's archive
 * links (`current`, `prev-archive`, `next-archive`) and `next` for readers that page.
 * RSS writes them as `atom:link`, Atom as `link`; the HTTP `Link` header carries the same.
 */
export function feedLinkList({ self, current, older, newer }: FeedLinks, hubs: string[], format: FeedFormat): Link[] {
  const type = FORMATS[format].type;
  const links: Link[] = [{ rel: "self", href: self[format], type }, ...hubs.map((href) => ({ rel: "hub", href }))];
  if (current) links.push({ rel: "current", href: current[format], type });
  if (older) links.push({ rel: "next", href: older[format], type }, { rel: "prev-archive", href: older[format], type });
  if (newer) links.push({ rel: "next-archive", href: newer[format], type });
  return links;
}

/** The same links as an HTTP `Link` header (RFC 8288), which WebSub discovery also reads. */
export const linkHeader = (links: Link[]) =>
  links.map((l) => `<${l.href}>; rel="${l.rel}"${l.type ? `; type="${l.type}"` : ""}`).join(", ");
