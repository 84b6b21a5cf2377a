import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { agentOf } from "../src/stats/agents";
import { evictCounter, PollCounter } from "../src/stats/counter";
import { readStats } from "../src/stats/read";
import { type FeedDay, StatsReportSchema } from "../src/stats/report";
import { RETENTION_DAYS, type StatsStore, statsStore } from "../src/stats/store";
import { DAY_MS, dayOf, type Poll, ROWS_MAX, Tally } from "../src/stats/tally";

afterEach(() => {
  evictCounter(env);
});

const NOW = Date.now();
const MIDNIGHT = dayOf(NOW) * DAY_MS;

/** An isolate of its own: its counter, and the flushes its polls started (which a request's waitUntil would carry). */
function isolate(store: Env = env) {
  const counter = new PollCounter(store, 60_000);
  const started: Promise<unknown>[] = [];
  return {
    poll: (ua: string, overrides: Partial<Poll> = {}) =>
      counter.count(
        { now: NOW, feed: "/feed.xml", ip: "192.0.2.1", ua, agent: agentOf(ua), conditional: false, bytes: 1000, ...overrides },
        (p) => started.push(p),
      ),
    flush: async () => {
      await Promise.all(started.splice(0));
      await counter.flush();
    },
    started,
  };
}

const report = async (days = 1, now = NOW) => StatsReportSchema.parse(await readStats(env, { days }, now));
const today = async (now = NOW) => (await report(1, now)).days[0] as StatsReportDay;
type StatsReportDay = { date: string; feeds: FeedDay[]; total: FeedDay };
const feed = (day: StatsReportDay, path: string) => day.feeds.find((f) => f.feed === path);
const reader = (f: FeedDay | undefined, name: string) => f?.readers.find((r) => r.name === name);

describe("aggregators' figures", () => {
  it("keep the latest figure of a day per aggregator and feed id, across isolates and flushes", async () => {
    const a = isolate();
    const b = isolate();
    b.poll("Feedly/1.0 (poller; 140 subscribers;)", { now: NOW - 1000 });
    a.poll("Feedly/1.0 (poller; 131 subscribers;)", { now: NOW });
    a.poll("Feedly/1.0 (poller; 120 subscribers;)", { now: NOW - 2000 });
    await a.flush();
    await b.flush(); // older than what a sent: it does not win
    expect(reader(feed(await today(), "/feed.xml"), "Feedly")).toMatchObject({ kind: "aggregator", subscribers: 131 });
  });

  it("add up one aggregator's feed ids, and each feed's figures in the total", async () => {
    const a = isolate();
    a.poll("Feedbin feed-id:1 - 37 subscribers");
    a.poll("Feedbin feed-id:2 - 5 subscribers");
    a.poll("Feedbin feed-id:1 - 3 subscribers", { feed: "/atom.xml" });
    await a.flush();
    const day = await today();
    expect(reader(feed(day, "/feed.xml"), "Feedbin")?.subscribers).toBe(42);
    expect(reader(feed(day, "/atom.xml"), "Feedbin")?.subscribers).toBe(3);
    expect(day.total.subscribers).toBe(45);
  });
});

describe("individual readers", () => {
  it("count once a day per client, across isolates, whether answered 200, 304 or HEAD", async () => {
    const a = isolate();
    const b = isolate();
    a.poll("Newsboat/2.36.0 (Linux x86_64)", { bytes: 5000 });
    b.poll("Newsboat/2.36.0 (Linux x86_64)", { conditional: true, bytes: 0 });
    b.poll("Newsboat/2.36.0 (Linux x86_64)", { conditional: true, bytes: 0 });
    a.poll("Newsboat/2.36.0 (Linux x86_64)", { ip: "192.0.2.2", conditional: true, bytes: 0 });
    a.poll("Newsboat/2.36.0 (Linux x86_64)", { ip: "192.0.2.2", feed: "/atom.xml" });
    await a.flush();
    await b.flush();
    await a.flush();
    const day = await today();
    expect(reader(feed(day, "/feed.xml"), "newsboat")).toEqual({ name: "newsboat", kind: "reader", subscribers: 2, clients: 2, polls: 4 });
    expect(feed(day, "/feed.xml")).toMatchObject({ polls: 4, conditionalShare: 0.75, bytes: 5000, subscribers: 2 });
    // The same person on two feeds is one reader of the publication.
    expect(day.total).toMatchObject({ subscribers: 2, polls: 5, bytes: 6000 });
  });

  it("and what is no subscriber is counted apart", async () => {
    const a = isolate();
    a.poll("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
    a.poll("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", { ip: "192.0.2.9" });
    a.poll("NetNewsWire (RSS Reader; https://netnewswire.com/)");
    await a.flush();
    const day = await today();
    expect(day.total).toMatchObject({ subscribers: 1, other: { clients: 2, polls: 2 } });
    expect(day.total.readers.map((r) => r.name)).toEqual(["NetNewsWire"]);
  });

  it("count afresh after UTC midnight", async () => {
    const a = isolate();
    a.poll("Newsboat/2.36.0", { now: MIDNIGHT - 100 });
    a.poll("Newsboat/2.36.0", { now: MIDNIGHT + 100 });
    a.poll("Newsboat/2.36.0", { now: MIDNIGHT + 200, ip: "192.0.2.3" });
    await a.flush();
    const [yesterday, todays] = (await report(2, MIDNIGHT + 1000)).days as [StatsReportDay, StatsReportDay];
    expect(yesterday.date).toBe(new Date(MIDNIGHT - DAY_MS).toISOString().slice(0, 10));
    expect([yesterday.total.subscribers, yesterday.total.polls]).toEqual([1, 1]);
    expect([todays.total.subscribers, todays.total.polls]).toEqual([2, 2]);
  });
});

describe("flushes", () => {
  it("count a batch once however often it is sent, and a lost isolate costs only its unsent interval", async () => {
    const a = isolate();
    a.poll("Newsboat/2.36.0");
    await a.flush();
    a.poll("Newsboat/2.36.0", { ip: "192.0.2.5" }); // counted, then the isolate is evicted before its next flush
    const b = isolate();
    b.poll("Newsboat/2.36.0", { ip: "192.0.2.6" });
    await b.flush();
    expect((await today()).total).toMatchObject({ subscribers: 2, polls: 2 });
  });

  it("keep a batch the store refused and send it once with the next flush, without failing the poll", async () => {
    const store = env.STATS_STORE;
    let refuse = true;
    const failing = {
      ...env,
      STATS_STORE: {
        idFromName: (n: string) => store.idFromName(n),
        get: (id: DurableObjectId) => {
          const stub = store.get(id);
          return {
            salts: (d: number[]) => stub.salts(d),
            record: (b: never) => (refuse ? Promise.reject(new Error("evicted")) : stub.record(b)),
          };
        },
      },
    } as unknown as Env;
    const a = isolate(failing);
    a.poll("Newsboat/2.36.0");
    await expect(a.flush()).resolves.toBeUndefined();
    expect((await today()).total.polls).toBe(0);
    refuse = false;
    a.poll("Newsboat/2.36.0", { ip: "192.0.2.7" });
    await a.flush();
    await a.flush();
    expect((await today()).total).toMatchObject({ subscribers: 2, polls: 2 });
  });

  it("send at most once per interval from the poll path, in the background", async () => {
    const started: Promise<unknown>[] = [];
    const a = new PollCounter(env, 60_000);
    for (let i = 0; i < 5; i++) {
      const ua = "Newsboat/2.36.0";
      a.count({ now: NOW + i * 1000, feed: "/feed.xml", ip: `192.0.2.${i}`, ua, agent: agentOf(ua), conditional: false, bytes: 1 }, (p) =>
        started.push(p),
      );
    }
    expect(started).toHaveLength(1);
    await Promise.all(started);
    a.count({ now: NOW + 61_000, feed: "/feed.xml", ip: "192.0.2.1", ua: "x", agent: agentOf("x"), conditional: false, bytes: 1 }, (p) =>
      started.push(p),
    );
    expect(started).toHaveLength(2);
    await Promise.all(started);
  });
});

describe("an isolate's tally", () => {
  it(`keeps at most ${ROWS_MAX} rows of agents: those past them are counted together, not forgotten`, () => {
    const tally = new Tally();
    for (let i = 0; i <= ROWS_MAX; i++) {
      const ua = `Invented${i}/1.0 (${i} subscribers; feed-id=${i})`;
      tally.count({ now: NOW, feed: "/feed.xml", ip: "192.0.2.1", ua, agent: agentOf(ua), conditional: false, bytes: 1 });
    }
    expect([tally.usage.size, tally.reports.size]).toEqual([ROWS_MAX + 1, ROWS_MAX]);
    expect([...tally.usage.values()].at(-1)).toMatchObject({ agent: "unlisted agents", kind: "other", polls: 1 });
  });
});

describe("storage", () => {
  it("takes 100,000 distinct readers in a day within its storage and time budget", async () => {
    const a = isolate();
    const ua = "Mozilla/5.0 (compatible; Miniflux/2.1.0; +https://miniflux.app)";
    for (let i = 0; i < 100_000; i++) a.poll(ua, { ip: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, conditional: true, bytes: 0 });
    const started = Date.now();
    await a.flush();
    const seconds = (Date.now() - started) / 1000;
    const bytes = await statsStore(env).size();
    console.log(`100,000 distinct readers: flushed and stored in ${seconds} s, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
    expect((await today()).total.subscribers).toBe(100_000);
    expect(bytes).toBeLessThan(32 * 1024 * 1024);
    expect(seconds).toBeLessThan(30);
  });

  it("adds a batch sent twice (its answer lost on the way back) once", async () => {
    const stub = statsStore(env);
    const batch = {
      id: "twice",
      usage: [
        { day: dayOf(NOW), feed: "/feed.xml", agent: "newsboat", kind: "reader" as const, polls: 3, conditional: 1, bytes: 9, sample: "" },
      ],
      reports: [],
      clients: [],
    };
    await stub.record(batch);
    await stub.record(batch);
    expect((await today()).total).toMatchObject({ polls: 3, bytes: 9 });
  });

  it(`keeps ${RETENTION_DAYS} days of counts, then drops them; client hashes and salts after a day`, async () => {
    const stub = statsStore(env);
    const today = dayOf(Date.now());
    const usage = (day: number) => ({
      day,
      feed: "/feed.xml",
      agent: "newsboat",
      kind: "reader" as const,
      polls: 1,
      conditional: 0,
      bytes: 1,
      sample: "",
    });
    await stub.salts([today - 1, today]);
    await stub.record({
      id: "old",
      usage: [usage(today - RETENTION_DAYS), usage(today - RETENTION_DAYS + 1), usage(today)],
      reports: [],
      clients: [{ day: today - 1, feed: "/feed.xml", hash: "h", agent: "newsboat", kind: "reader" }],
    });
    const days = async () => (await stub.counts(today - 500, today + 2)).usage.filter((u) => u.feed !== "*").map((u) => today - u.day);
    expect(await days()).toEqual([RETENTION_DAYS - 1, 1, 0]);
    await runInDurableObject(stub, async (instance: StatsStore, state) => {
      instance.prune(today + 1);
      const count = (table: string) => state.storage.sql.exec(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
      expect([count("clients"), count("salts")]).toEqual([0, 1]);
      // The next prune is due just after the next UTC midnight, whether or not anything is counted then.
      expect(await state.storage.getAlarm()).toBe((today + 2) * DAY_MS + 60_000);
    });
    expect(await days()).toEqual([1, 0]);
  });
});
