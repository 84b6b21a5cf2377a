import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deliverPings, PING_ATTEMPTS, queuePings, retryDelay } from "../src/websub";
import { makeArticle, manyArticles, publish, publisher, request, SETTINGS } from "./helpers";
import { fetchFeed } from "./parse";

const HUBS = SETTINGS.hubs;
const site = SETTINGS.siteUrl;
const urlsOf = (path: string) => ["feed.xml", "atom.xml", "feed.json"].map((f) => `${site}${path}/${f}`);

/** The pings waiting in the Publisher's SQLite, as `hub url` lines. */
const queued = () =>
  runInDurableObject(publisher(), (_, state) =>
    state.storage.sql
      .exec<{ hub: string; url: string }>("SELECT DISTINCT hub, url FROM announcements")
      .toArray()
      .map((p) => `${p.hub} ${p.url}`)
      .sort(),
  );

describe("WebSub discovery", () => {
  it("every current feed names the hubs and itself, in the document and the Link header", async () => {
    await publish([makeArticle({ section: "World" })]);
    expect(HUBS).toHaveLength(2);
    for (const path of ["/feed.xml", "/atom.xml", "/feed.json", "/sections/world/atom.xml"]) {
      const doc = await fetchFeed(path);
      const link = doc.res.headers.get("Link") ?? "";
      for (const hub of HUBS) expect(link).toContain(`<${hub}>; rel="hub"`);
      expect(link).toContain(`<${site}${path}>; rel="self"`);
      if (doc.format === "json") expect(doc.feed.hubs).toEqual(HUBS.map((url) => ({ type: "WebSub", url })));
      else {
        const hubs = (doc.format === "rss" ? doc.feed.atom.links : doc.feed.links).filter((l: { rel: string }) => l.rel === "hub");
        expect(hubs.map((l: { href: string }) => l.href)).toEqual(HUBS);
      }
    }
  });

  it("archive pages advertise no hub (nobody subscribes to them)", async () => {
    await publish(manyArticles(SETTINGS.itemsPerFeed * 2));
    expect((await request("/archive/1/feed.xml")).headers.get("Link")).not.toContain('rel="hub"');
  });
});

describe("WebSub publishing", () => {
  it("queues a ping to every hub for exactly the current feeds a publish changed", async () => {
    await publish([makeArticle({ id: "a", section: "World", authors: [{ name: "Ann Writer" }], tags: ["climate"] })]);
    const first = ["", "/sections/world", "/authors/ann-writer", "/tags/climate"].flatMap(urlsOf);
    expect(await queued()).toEqual(HUBS.flatMap((hub) => first.map((url) => `${hub} ${url}`)).sort());
    await runInDurableObject(publisher(), (_, state) => state.storage.sql.exec("DELETE FROM announcements"));
    await publish([makeArticle({ id: "b", section: "Science", authors: [{ name: "Bo Reporter" }], tags: [] })]);
    const second = ["", "/sections/science", "/authors/bo-reporter"].flatMap(urlsOf);
    expect(await queued()).toEqual(HUBS.flatMap((hub) => second.map((url) => `${hub} ${url}`)).sort());
  });

  it("queues nothing when a publish changes nothing", async () => {
    const article = makeArticle();
    await publish([article]);
    await runInDurableObject(publisher(), (_, state) => state.storage.sql.exec("DELETE FROM announcements"));
    await publish([article]);
    expect(await queued()).toEqual([]);
  });

  it("sends hub.mode=publish and hub.url, retries a failing hub with backoff, and gives up in the end", async () => {
    await publish([makeArticle()]); // the main feed and Ann Writer's: 6 URLs for each of the 2 hubs
    const sent: { hub: string; body: URLSearchParams }[] = [];
    const hubs = (failing: string) => async (input: RequestInfo | URL, init?: RequestInit) => {
      const hub = String(input);
      sent.push({ hub, body: new URLSearchParams(String(init?.body)) });
      return new Response(null, { status: hub === failing ? 503 : 204 });
    };
    await runInDurableObject(publisher(), async (_, state) => {
      const sql = state.storage.sql;
      let now = Date.now() + 3_600_000; // when the pings fall due
      const next = await deliverPings(sql, now, hubs(HUBS[1] as string) as typeof fetch);
      expect(sent).toHaveLength(12);
      for (const { body } of sent) expect([...body.keys()].sort()).toEqual(["hub.mode", "hub.url"]);
      expect(new Set(sent.map((s) => s.body.get("hub.mode")))).toEqual(new Set(["publish"]));
      // The working hub is done; the failing one is tried again after the first backoff.
      expect(next).toBe(now + retryDelay(1));
      const left = sql.exec<{ hub: string; attempts: number }>("SELECT hub, attempts FROM announcements").toArray();
      expect(left).toHaveLength(6);
      expect(left.every((p) => p.hub === HUBS[1] && p.attempts === 1)).toBe(true);
      // Each retry waits longer, until it gives up.
      const failing = hubs(HUBS[1] as string) as typeof fetch;
      for (let attempt = 2; attempt <= PING_ATTEMPTS; attempt++) {
        const due = now + retryDelay(attempt - 1);
        const before = sent.length;
        expect(await deliverPings(sql, due - 1, failing)).toBe(due); // not yet
        expect(sent).toHaveLength(before);
        now = due;
        const again = await deliverPings(sql, now, failing);
        expect(sent).toHaveLength(before + 6);
        expect(again).toBe(attempt < PING_ATTEMPTS ? now + retryDelay(attempt) : undefined);
      }
      expect(sql.exec("SELECT * FROM announcements").toArray()).toEqual([]);
      expect(retryDelay(2)).toBe(2 * retryDelay(1));
    });
  });

  /** A hub that records the URLs it is told about and answers `status()`. */
  const fakeHub = (told: string[], status = () => 204) =>
    (async (_: RequestInfo | URL, init?: RequestInit) => {
      told.push(new URLSearchParams(String(init?.body)).get("hub.url") ?? "");
      return new Response(null, { status: status() });
    }) as unknown as typeof fetch;

  const announced = (sql: SqlStorage) =>
    sql
      .exec<{ visible_ms: number }>("SELECT visible_ms FROM announcements")
      .toArray()
      .map((a) => a.visible_ms);

  it("a change announced while its feed's ping is being sent gets a ping of its own", async () => {
    await runInDurableObject(publisher(), async (_, state) => {
      const sql = state.storage.sql;
      const [hub, url] = ["https://hub.example/", `${site}/feed.xml`];
      queuePings(sql, [hub], [url], 0);
      const fetcher = (async () => {
        queuePings(sql, [hub], [url], 1000); // the next change's round, while the hub answers
        return new Response(null, { status: 204 });
      }) as unknown as typeof fetch;
      await deliverPings(sql, 10, fetcher);
      expect(announced(sql)).toEqual([1000]);
    });
  });

  it("later changes never push an earlier announcement back, and each is told once it is visible", async () => {
    await runInDurableObject(publisher(), async (_, state) => {
      const sql = state.storage.sql;
      const told: string[] = [];
      queuePings(sql, ["https://hub.example/"], ["u"], 60_000);
      queuePings(sql, ["https://hub.example/"], ["u"], 61_000);
      expect(await deliverPings(sql, 59_999, fakeHub(told))).toBe(60_000);
      expect(told).toEqual([]);
      // Due at the first change's time; the second is not visible yet, so it waits for a ping of its own.
      expect(await deliverPings(sql, 60_000, fakeHub(told))).toBe(61_000);
      expect(told).toEqual(["u"]);
      expect(await deliverPings(sql, 61_500, fakeHub(told))).toBeUndefined();
      expect(told).toEqual(["u", "u"]);
    });
  });

  it("one ping tells the hub of every change already visible", async () => {
    await runInDurableObject(publisher(), async (_, state) => {
      const sql = state.storage.sql;
      const told: string[] = [];
      for (const at of [1000, 2000, 3000]) queuePings(sql, ["https://hub.example/"], ["u"], at);
      await deliverPings(sql, 5000, fakeHub(told));
      expect(told).toEqual(["u"]);
      expect(announced(sql)).toEqual([]);
    });
  });

  it("a change after a failed ping is announced on its own schedule, not after the failed one's backoff", async () => {
    await runInDurableObject(publisher(), async (_, state) => {
      const sql = state.storage.sql;
      const told: string[] = [];
      queuePings(sql, ["https://hub.example/"], ["u"], 0);
      expect(
        await deliverPings(
          sql,
          0,
          fakeHub(told, () => 503),
        ),
      ).toBe(retryDelay(1));
      queuePings(sql, ["https://hub.example/"], ["u"], 2000); // the next change, visible 2 s later
      expect(await deliverPings(sql, 1999, fakeHub(told))).toBe(2000);
      // The hub is back: the new change's ping goes out at its own time and answers the failed one too.
      expect(await deliverPings(sql, 2000, fakeHub(told))).toBeUndefined();
      expect(told).toEqual(["u", "u"]);
    });
  });
});
