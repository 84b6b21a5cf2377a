import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Served, serve } from "./served";

// http.test.ts takes 8700-8789 and the bench 8801-8803: this file stays out of both.
const PORT = 8804 + Math.floor(Math.random() * 47);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const FORMAT_FILES = ["feed.xml", "atom.xml", "feed.json"];

/** One POST the fake hub received, and when. */
interface Ping {
  path: string;
  contentType: string;
  params: URLSearchParams;
  at: number;
}

let served: Served | undefined;
let hub: Server;
let hubUrl: string;
const pings: Ping[] = [];
/** How many of the next pings the fake hub answers 503. */
let failures = 0;

/** The current documents of the given scopes (`""` for main, `/sections/world` …), in all three formats. */
const selfUrls = (...scopes: string[]) => scopes.flatMap((scope) => FORMAT_FILES.map((file) => `${ORIGIN}${scope}/${file}`)).sort();

/** Waits until at least `count` pings arrived and then none for `quietMs` (more would be a bug), or gives up after `timeoutMs`. */
async function settledPings(count: number, quietMs = 3000, timeoutMs = 20_000): Promise<Ping[]> {
  const started = Date.now();
  let seen = pings.length;
  let lastChange = Date.now();
  while (Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 200));
    if (pings.length !== seen) {
      seen = pings.length;
      lastChange = Date.now();
    }
    if (pings.length >= count && Date.now() - lastChange >= quietMs) break;
  }
  return [...pings];
}

/** Resolves once `done()` holds, polling; rejects after `timeoutMs`. */
async function until(done: () => boolean, timeoutMs = 15_000): Promise<void> {
  for (const started = Date.now(); !done(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() - started > timeoutMs) throw new Error(`not done within ${timeoutMs} ms`);
  }
}

/** The topics of the pings that arrive (at least `count`), each checked to be a well-formed publish ping; sorted. */
async function publishedUrls(count: number): Promise<string[]> {
  const got = await settledPings(count);
  for (const p of got) {
    expect(p.path).toBe("/hub");
    expect(p.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect([...p.params.keys()].sort()).toEqual(["hub.mode", "hub.url"]);
    expect(p.params.get("hub.mode")).toBe("publish");
  }
  return got.map((p) => p.params.get("hub.url") ?? "").sort();
}

/** Publishes (the answer comes once KV holds it) and resolves with when that was. */
async function publish(id: string, article: Record<string, unknown>): Promise<number> {
  const res = await (served as Served).put(id, article);
  expect(res.status, await res.text()).toBe(201);
  return Date.now();
}

const story = (n: number) => ({
  title: `Story ${n}`,
  summary: `What happened (${n}).`,
  authors: [{ name: "Ann Writer" }],
  published: new Date(Date.UTC(2026, 4, 3, 0, n)).toISOString(),
});
const DELAY_S = 2;

beforeAll(async () => {
  hub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST") {
        pings.push({
          path: req.url ?? "",
          contentType: req.headers["content-type"] ?? "",
          params: new URLSearchParams(Buffer.concat(chunks).toString("utf8")),
          at: Date.now(),
        });
      }
      if (failures > 0) {
        failures--;
        res.writeHead(503).end();
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/hub`;

  served = await serve(PORT, { WEBSUB_HUBS: hubUrl, WEBSUB_PING_DELAY: String(DELAY_S) });
});

afterAll(async () => {
  await served?.stop();
  await new Promise((resolve) => hub?.close(resolve));
});

describe("WebSub, through wrangler dev and a fake hub", () => {
  it("pings every affected current feed, in all three formats, once each", async () => {
    await publish("websub-first", {
      title: "Warming world",
      summary: "The first story.",
      authors: [{ name: "Ann Writer" }],
      published: "2026-05-01T10:00:00+02:00",
      section: "World",
      tags: ["climate"],
    });
    const expected = selfUrls("", "/sections/world", "/authors/ann-writer", "/tags/climate");
    expect(expected).toHaveLength(12);
    expect(await publishedUrls(12)).toEqual(expected);
  });

  it("pings only the feeds a later article changes", async () => {
    pings.length = 0;
    await publish("websub-second", {
      title: "Lab notes",
      summary: "The second story.",
      authors: [{ name: "Bo Reporter" }],
      published: "2026-05-02T10:00:00+02:00",
      section: "Science",
    });
    expect(await publishedUrls(9)).toEqual(selfUrls("", "/sections/science", "/authors/bo-reporter"));
  });

  it("advertises the hub and self in the Link header and in every format", async () => {
    const rss = await fetch(`${ORIGIN}/feed.xml`);
    expect(rss.status).toBe(200);
    const link = rss.headers.get("link") ?? "";
    expect(link).toContain(`<${hubUrl}>; rel="hub"`);
    expect(link).toContain(`<${ORIGIN}/feed.xml>; rel="self"`);
    const rssBody = await rss.text();
    expect(rssBody).toContain(`<atom:link href="${hubUrl}" rel="hub"/>`);
    expect(rssBody).toContain(`<atom:link href="${ORIGIN}/feed.xml" rel="self"`);

    const atom = await fetch(`${ORIGIN}/atom.xml`);
    expect(atom.headers.get("link") ?? "").toContain(`<${hubUrl}>; rel="hub"`);
    const atomBody = await atom.text();
    expect(atomBody).toContain(`<link rel="hub" href="${hubUrl}"/>`);
    expect(atomBody).toMatch(new RegExp(`<link rel="self"[^>]* href="${ORIGIN}/atom\\.xml"/>`));

    const json = await fetch(`${ORIGIN}/feed.json`);
    expect(json.headers.get("link") ?? "").toContain(`<${hubUrl}>; rel="hub"`);
    const feed = (await json.json()) as { feed_url?: string; hubs?: unknown };
    expect(feed.hubs).toEqual([{ type: "WebSub", url: hubUrl }]);
    expect(feed.feed_url).toBe(`${ORIGIN}/feed.json`);

    // A scoped current feed advertises the hub too, with its own self URL.
    const scoped = await fetch(`${ORIGIN}/sections/world/atom.xml`);
    expect(scoped.status).toBe(200);
    expect(scoped.headers.get("link") ?? "").toContain(`<${hubUrl}>; rel="hub"`);
    expect(scoped.headers.get("link") ?? "").toContain(`<${ORIGIN}/sections/world/atom.xml>; rel="self"`);
  });
});

describe("WebSub under busy publishing, with a 2 s ping delay", () => {
  const main = `${ORIGIN}/feed.xml`;
  const mainPings = (from: number) => pings.filter((p) => p.params.get("hub.url") === main && p.at >= from).map((p) => p.at);

  it("a publish every 0.5 s for 15 s still gets the main feed pinged every ~3 s, and after its last change", async () => {
    await settledPings(0, 3000);
    const started = Date.now();
    const published: Promise<number>[] = [];
    for (let n = 0; n < 30; n++) {
      published.push(publish(`busy-${n}`, story(n)));
      await new Promise((r) => setTimeout(r, 500));
    }
    const inKv = await Promise.all(published);
    await settledPings(1, 4000);
    const times = [started, ...mainPings(started)];
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    // The delay plus one round (1 s), with room for a loaded machine.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(DELAY_S * 1000 + 1500);
    // The hub is told of the last change no sooner than the delay after KV had it.
    expect(times.at(-1)).toBeGreaterThanOrEqual(Math.max(...inKv) + DELAY_S * 1000 - 50);
  });

  it("a hub that failed a ping hears of the next change at its delay, not after the failed ping's backoff", async () => {
    await settledPings(0, 3000);
    failures = 1;
    const first = await publish("after-failure-1", story(100));
    await until(() => failures === 0); // the hub refused the first ping it got
    expect(Date.now() - first).toBeGreaterThanOrEqual(DELAY_S * 1000 - 50);
    const second = await publish("after-failure-2", story(101));
    await until(() => mainPings(second).length > 0);
    expect((mainPings(second)[0] as number) - second).toBeLessThanOrEqual(DELAY_S * 1000 + 1500);
  });
});
