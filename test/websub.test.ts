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
      .exec<{ hub: string; url: string }>("SELECT hub, url FROM pings")
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
    await runInDurableObject(publisher(), (_, state) => state.storage.sql.exec("DELETE FROM pings"));
    await publish([makeArticle({ id: "b", section: "Science", authors: [{ name: "Bo Reporter" }], tags: [] })]);
    const second = ["", "/sections/science", "/authors/bo-reporter"].flatMap(urlsOf);
    expect(await queued()).toEqual(HUBS.flatMap((hub) => second.map((url) => `${hub} ${url}`)).sort());
  });

  it("queues nothing when a publish changes nothing", async () => {
    const article = makeArticle();
    await publish([article]);
    await runInDurableObject(publisher(), (_, state) => state.storage.sql.exec("DELETE FROM pings"));
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
      const left = sql.exec<{ hub: string; attempts: number }>("SELECT hub, attempts FROM pings").toArray();
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
      expect(sql.exec("SELECT * FROM pings").toArray()).toEqual([]);
      expect(retryDelay(2)).toBe(2 * retryDelay(1));
    });
  });

  it("a change queued while its feed's ping is being sent gets a ping of its own", async () => {
    await runInDurableObject(publisher(), async (_, state) => {
      const sql = state.storage.sql;
      const [hub, url] = ["https://hub.example/", `${site}/feed.xml`];
      queuePings(sql, [hub], [url], 0);
      const fetcher = (async () => {
        queuePings(sql, [hub], [url], 1000); // the next change's flush, while the hub answers
        return new Response(null, { status: 204 });
      }) as unknown as typeof fetch;
      await deliverPings(sql, 10, fetcher);
      expect(sql.exec("SELECT due_ms FROM pings").toArray()).toEqual([{ due_ms: 1000 }]);
    });
  });

  it("a later change pushes a waiting ping back, so the hub never fetches before KV has it", async () => {
    await runInDurableObject(publisher(), async (_, state) => {
      const sql = state.storage.sql;
      queuePings(sql, ["https://hub.example/"], ["u"], 60_000);
      queuePings(sql, ["https://hub.example/"], ["u"], 119_000);
      queuePings(sql, ["https://hub.example/"], ["u"], 100_000); // never earlier
      expect(sql.exec("SELECT due_ms FROM pings").toArray()).toEqual([{ due_ms: 119_000 }]);
    });
  });
});
