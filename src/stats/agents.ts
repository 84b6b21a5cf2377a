/**
 * Who polls a feed, from its User-Agent alone: a hosted aggregator (one poll for all its
 * users, who it counts for us), an individual reader (one person, counted as a distinct
 * client a day), or something that is no subscriber at all ("other").
 */
export type AgentKind = "aggregator" | "reader" | "other";

export interface Agent {
  /** The product, as a publisher knows it ("Feedly", "newsboat"); unknown agents by their product token. */
  name: string;
  kind: AgentKind;
  /** The aggregator's own count of the users it polls for, when it reports one. */
  subscribers?: number;
  /** The aggregator's id for the feed, when it has several entries for one feed. */
  feedId?: string;
}

interface Rule {
  test: RegExp;
  name: string;
  kind: AgentKind;
}

/** The first rule that matches wins: specific products before the generic shapes they may contain. */
const RULES: Rule[] = [
  // Hosted aggregators: they report "N subscribers" (or should, for the count to be theirs).
  ...(
    [
      [/feedly/i, "Feedly"],
      [/newsblur/i, "NewsBlur"],
      [/feedbin/i, "Feedbin"],
      [/inoreader/i, "Inoreader"],
      [/theoldreader/i, "The Old Reader"],
      [/bazqux/i, "BazQux"],
      [/netvibes/i, "Netvibes"],
      [/feedspot/i, "Feedspot"],
      [/feedhq/i, "FeedHQ"],
      [/feed ?wrangler/i, "Feed Wrangler"],
      [/g2reader/i, "G2Reader"],
      [/newsify/i, "Newsify"],
      [/feedmail/i, "FeedMail"],
      [/blogtrottr/i, "Blogtrottr"],
      [/superfeedr/i, "Superfeedr"],
      [/bloglovin/i, "Bloglovin"],
      [/readwise/i, "Readwise Reader"],
      [/feeder\.co|feeder\/\S+ \(\+?https?:\/\/feeder/i, "Feeder.co"],
    ] as const
  ).map(([test, name]) => ({ test, name, kind: "aggregator" as const })),
  // Individual readers: apps and self-hosted readers, one person (or one household) each.
  ...(
    [
      [/newsboat/i, "newsboat"],
      [/newsbeuter/i, "newsbeuter"],
      [/netnewswire/i, "NetNewsWire"],
      [/reeder/i, "Reeder"],
      [/miniflux/i, "Miniflux"],
      [/freshrss/i, "FreshRSS"],
      [/thunderbird/i, "Thunderbird"],
      [/tiny ?tiny ?rss|tt-rss/i, "Tiny Tiny RSS"],
      [/liferea/i, "Liferea"],
      [/quiterss/i, "QuiteRSS"],
      [/akregator/i, "Akregator"],
      [/vienna/i, "Vienna"],
      [/rssowl/i, "RSSOwl"],
      [/feedbro/i, "Feedbro"],
      [/fluent ?reader/i, "Fluent Reader"],
      [/readkit/i, "ReadKit"],
      [/unread/i, "Unread"],
      [/nextcloud[- ]news/i, "Nextcloud News"],
      [/newsflash/i, "NewsFlash"],
      [/commafeed/i, "CommaFeed"],
      [/elfeed/i, "Elfeed"],
      [/rss2email/i, "rss2email"],
      [/yarr/i, "yarr"],
      [/feeder/i, "Feeder"],
      [/read ?you/i, "Read You"],
      [/capy ?reader/i, "Capy Reader"],
      [/feedparser/i, "feedparser"],
    ] as const
  ).map(([test, name]) => ({ test, name, kind: "reader" as const })),
  // Not subscribers: validators, link previewers, uptime monitors, crawlers, HTTP tools, browsers.
  ...(
    [
      [/validator|feedvalidator|w3c_/i, "validator"],
      [
        /slackbot|discordbot|twitterbot|facebookexternalhit|whatsapp|telegrambot|linkedinbot|skypeuripreview|embedly|iframely|preview/i,
        "link preview",
      ],
      [/uptime|pingdom|statuscake|monitor|site24x7|better ?stack|healthcheck/i, "monitor"],
      [/bot\b|bot\/|crawl|spider|slurp|archiver|scrap|headless/i, "crawler"],
      [
        /^(curl|wget|python-requests|python-urllib|go-http-client|node-fetch|undici|axios|okhttp|java|libwww-perl|ruby|guzzle|httpie)\b/i,
        "HTTP tool",
      ],
      [/^mozilla\/5\.0 .*(chrome|firefox|safari|edg|opr)\//i, "browser"],
    ] as const
  ).map(([test, name]) => ({ test, name, kind: "other" as const })),
];

/** "131 subscribers", "1,204 subscribers", "1 subscriber", "subscribers: 12", "subscribers=12", "12 readers". */
const SUBSCRIBERS = [/(\d[\d,.]*)\s*(?:subscribers?|readers)\b/i, /\bsubscribers?\s*[:=]\s*(\d[\d,.]*)/i];
/** "feed-id:1234", "feedid=1234", "feed_id 1234", "feedID: 1234"; NewsBlur's "/site/1234/". */
const FEED_ID = [/\bfeed[-_ ]?id\s*[:=]?\s*([\w-]+)/i, /\/site\/(\d+)/i];

/** An unknown agent's product token: "Foo/2.1 (…)" → "Foo", "Mozilla/5.0 (compatible; Foo/1.0; …)" → "Foo". */
function productToken(ua: string): string {
  const token = /\bcompatible;\s*([^\s/;()]+)/i.exec(ua)?.[1] ?? /^\s*([^\s/;()]+)/.exec(ua)?.[1];
  return token?.slice(0, 64) ?? "unknown";
}

const firstMatch = (patterns: RegExp[], ua: string) => {
  for (const p of patterns) {
    const m = p.exec(ua);
    if (m?.[1]) return m[1];
  }
  return undefined;
};

function classify(ua: string): Agent {
  if (!ua.trim()) return { name: "no User-Agent", kind: "other" };
  const figure = firstMatch(SUBSCRIBERS, ua);
  const subscribers = figure === undefined ? undefined : Number(figure.replace(/[,.]/g, ""));
  const rule = RULES.find((r) => r.test.test(ua));
  if (subscribers !== undefined && Number.isSafeInteger(subscribers)) {
    // Whatever it is, an agent that reports subscribers polls on their behalf.
    const feedId = firstMatch(FEED_ID, ua)?.slice(0, 64);
    return {
      name: rule?.kind === "aggregator" ? rule.name : productToken(ua),
      kind: "aggregator",
      subscribers,
      ...(feedId ? { feedId } : {}),
    };
  }
  if (rule) return { name: rule.name, kind: rule.kind };
  // Anything else that fetches a feed URL is feed software: a reader, named by its product.
  return { name: productToken(ua), kind: "reader" };
}

/** Classified User-Agents: a poll costs one map lookup, not the rules (a handful of agents poll a feed). */
const known = new Map<string, Agent>();
const KNOWN_MAX = 4096;

export function agentOf(ua: string): Agent {
  let agent = known.get(ua);
  if (!agent) {
    if (known.size >= KNOWN_MAX) known.clear();
    agent = classify(ua);
    known.set(ua, agent);
  }
  return agent;
}
