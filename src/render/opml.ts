import { documentUrls } from "../feed/formats";
import { describeFeed } from "../feed/model";
import { httpDate } from "../http/caching";
import { MAIN, type Scope } from "../scopes";
import type { Settings } from "../settings";
import type { ScopeList } from "../store";
import { escapeXml as x } from "./escape";

const GROUPS = { section: "Sections", author: "Authors", tag: "Tags" } as const;

function outline(settings: Settings, scope: Pick<Scope, "kind" | "slug" | "name">): string {
  const { title, description } = describeFeed(settings, scope);
  const { rss } = documentUrls(settings.siteUrl, scope);
  return `<outline type="rss" version="RSS2" text="${x(title)}" title="${x(title)}" description="${x(description)}" xmlUrl="${x(rss)}" htmlUrl="${x(settings.siteUrl)}/"/>`;
}

/** OPML 2.0 (opml.org/spec2.opml): every feed, the main one first, then one folder per kind, for subscribing to all at once. */
export function renderOpml(settings: Settings, list: ScopeList): string {
  let out = `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
<head>
<title>${x(settings.title)}: all feeds</title>
${list.lastModified ? `<dateModified>${httpDate(list.lastModified)}</dateModified>\n` : ""}<docs>http://opml.org/spec2.opml</docs>
</head>
<body>
${outline(settings, MAIN)}
`;
  for (const [kind, group] of Object.entries(GROUPS)) {
    const members = list.scopes.filter(([k]) => k === kind);
    if (members.length === 0) continue;
    out += `<outline text="${group}">\n`;
    for (const [, slug, name] of members) out += `${outline(settings, { kind: kind as Scope["kind"], slug, name })}\n`;
    out += "</outline>\n";
  }
  return `${out}</body>\n</opml>\n`;
}
