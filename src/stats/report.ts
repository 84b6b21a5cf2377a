import * as z from "zod";
import { FORMATS } from "../feed/formats";
import { KIND_PATHS } from "../scopes";
import { RETENTION_DAYS, type StoredCounts, TOTAL, type UsageRow } from "./store";
import { isoDay } from "./tally";

const FILES = Object.values(FORMATS)
  .map((f) => f.file.replace(".", "\\."))
  .join("|");
/** A current feed document's path: `/feed.xml`, `/sections/world/atom.xml`… */
const FEED_PATH = new RegExp(`^(/(${Object.values(KIND_PATHS).join("|")})/[^/]{1,200})?/(${FILES})$`);

/** `GET /api/stats` query. */
export const StatsQuerySchema = z.object({
  days: z.coerce
    .number({ error: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, `must be 1-${RETENTION_DAYS}`)
    .max(RETENTION_DAYS, `must be 1-${RETENTION_DAYS}`)
    .default(30),
  feed: z.string().regex(FEED_PATH, "must be a current feed's path, such as /feed.xml or /sections/world/atom.xml").optional(),
});
export type StatsQuery = z.output<typeof StatsQuerySchema>;

const KindSchema = z.enum(["aggregator", "reader", "other"]);

const ReaderSchema = z.object({
  name: z.string().describe("The product: Feedly, newsboat…; an unknown agent by its product token"),
  kind: KindSchema,
  subscribers: z.number().int().describe("The aggregator's own latest figure (each feed id's, added up), or distinct clients a day"),
  clients: z.number().int().describe("Distinct clients (IP and User-Agent, hashed) that polled"),
  polls: z.number().int(),
});

const ImpoliteSchema = z.object({
  name: z.string(),
  kind: KindSchema,
  userAgent: z.string().describe("One User-Agent it sent: whom to ask to behave"),
  polls: z.number().int(),
  clients: z.number().int(),
  pollsPerClient: z.number(),
  conditionalShare: z.number().min(0).max(1),
  reasons: z.array(z.enum(["unconditional", "too often"])),
});

const FeedDaySchema = z.object({
  feed: z.string().describe(`A feed's path, or "${TOTAL}" for the whole publication`),
  subscribers: z.number().int().describe("Estimated subscribers: aggregators' figures plus distinct individual readers"),
  readers: z.array(ReaderSchema).describe("Aggregators and readers, most subscribers first"),
  other: z
    .object({ clients: z.number().int(), polls: z.number().int() })
    .describe("Browsers, crawlers, previewers, monitors, validators: not subscribers"),
  polls: z.number().int().describe("Answered 200, 226, 304 or 429, HEAD included"),
  conditionalShare: z.number().min(0).max(1).describe("Share of polls that sent If-None-Match or If-Modified-Since"),
  bytes: z.number().int().describe("Body bytes served, as sent (compressed when it was)"),
  impolite: z.array(ImpoliteSchema).describe("Clients polling without validators, or more often than Cache-Control max-age"),
});

export const StatsReportSchema = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  days: z
    .array(z.object({ date: z.iso.date(), feeds: z.array(FeedDaySchema), total: FeedDaySchema }))
    .describe("Oldest first, one per day"),
});

export type FeedDay = z.output<typeof FeedDaySchema>;
export type StatsReport = z.output<typeof StatsReportSchema>;
type Impolite = z.output<typeof ImpoliteSchema>;

/**
 * An agent polls impolitely when, on average per client, it fetched without validators
 * more than once (the first fetch of a day may have none), or polled more often than
 * the feed's max-age allows. Browsers only look, so only their frequency is judged.
 */
function impoliteness(u: UsageRow, maxAgeS: number): Impolite | undefined {
  if (!u.polls) return undefined;
  const clients = Math.max(u.clients, 1);
  const reasons: Impolite["reasons"] = [];
  if (u.agent !== "browser" && (u.polls - u.conditional) / clients > 1 && u.conditional < u.polls / 2) reasons.push("unconditional");
  if (u.polls / clients > 86_400 / maxAgeS) reasons.push("too often");
  if (!reasons.length) return undefined;
  const { agent: name, kind, polls, conditional, sample: userAgent } = u;
  return {
    name,
    kind,
    userAgent,
    polls,
    clients: u.clients,
    pollsPerClient: polls / clients,
    conditionalShare: conditional / polls,
    reasons,
  };
}

const judge = (usage: UsageRow[], maxAgeS: number) => usage.flatMap((u) => impoliteness(u, maxAgeS) ?? []);

function feedDay(feed: string, usage: UsageRow[], reported: Map<string, number> | undefined, impolite: Impolite[]): FeedDay {
  const readers: FeedDay["readers"] = [];
  const other = { clients: 0, polls: 0 };
  let polls = 0;
  let conditional = 0;
  let bytes = 0;
  for (const u of usage) {
    polls += u.polls;
    conditional += u.conditional;
    bytes += u.bytes;
    if (u.kind === "other") {
      other.clients += u.clients;
      other.polls += u.polls;
    } else {
      // An aggregator that reports a figure counts its users; one that does not counts as the clients it polled from.
      readers.push({ name: u.agent, kind: u.kind, subscribers: reported?.get(u.agent) ?? u.clients, clients: u.clients, polls: u.polls });
    }
  }
  readers.sort((a, b) => b.subscribers - a.subscribers || a.name.localeCompare(b.name));
  return {
    feed,
    subscribers: readers.reduce((sum, r) => sum + r.subscribers, 0),
    readers,
    other,
    polls,
    conditionalShare: polls ? conditional / polls : 0,
    bytes,
    impolite: impolite.sort((a, b) => b.polls - a.polls),
  };
}

/** The report for days `from` to `to` from what the store holds: every day, oldest first, each feed and the total. */
export function buildReport(counts: StoredCounts, from: number, to: number, maxAgeS: number): StatsReport {
  /** Usage rows by day, then feed. */
  const usage = new Map<number, Map<string, UsageRow[]>>();
  for (const u of counts.usage) {
    const feeds = usage.get(u.day) ?? new Map<string, UsageRow[]>();
    usage.set(u.day, feeds);
    const rows = feeds.get(u.feed);
    if (rows) rows.push(u);
    else feeds.set(u.feed, [u]);
  }
  const reported = new Map<string, Map<string, number>>();
  for (const r of counts.reports) {
    const key = `${r.day} ${r.feed}`;
    reported.set(key, (reported.get(key) ?? new Map()).set(r.agent, r.subscribers));
  }
  const days: StatsReport["days"] = [];
  for (let day = from; day <= to; day++) {
    const byFeed = usage.get(day) ?? new Map<string, UsageRow[]>();
    const feeds = [...byFeed]
      .filter(([feed]) => feed !== TOTAL)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([feed, rows]) => feedDay(feed, rows, reported.get(`${day} ${feed}`), judge(rows, maxAgeS)));
    // Judged per feed: a reader of many feeds polls the publication often without polling any feed too often.
    const worst = new Map<string, Impolite>();
    for (const i of feeds.flatMap((f) => f.impolite)) if ((worst.get(i.name)?.polls ?? -1) < i.polls) worst.set(i.name, i);
    const total = feedDay(TOTAL, byFeed.get(TOTAL) ?? [], reported.get(`${day} ${TOTAL}`), [...worst.values()]);
    days.push({ date: isoDay(day), feeds, total });
  }
  return { from: isoDay(from), to: isoDay(to), days };
}
