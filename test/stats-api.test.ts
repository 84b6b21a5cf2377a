import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import app from "../src/index";
import { evictCounter } from "../src/stats/counter";
import { type FeedDay, StatsReportSchema } from "../src/stats/report";
import { AUTH, makeArticle, publish, request, SETTINGS } from "./helpers";

afterEach(() => {
  evictCounter(env);
});

const NEWSBOAT = "Newsboat/2.36.0 (Linux x86_64)";
const from = (ip: string, ua: string, headers: Record<string, string> = {}) => ({
  headers: { "CF-Connecting-IP": ip, "User-Agent": ua, ...headers },
});

async function stats(query = "") {
  const res = await request(`/api/stats${query}`, { headers: AUTH });
  expect(res.status).toBe(200);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  return StatsReportSchema.parse(await res.json());
}
const latest = async (query = "") => (await stats(query)).days.at(-1) as { date: string; feeds: FeedDay[]; total: FeedDay };

describe("counting polls as the feeds answer them", () => {
  it("counts 200, 304, HEAD, a delta and 429 as polls of one reader, and the bytes sent", async () => {
    await publish([makeArticle()]);
    const first = await request("/feed.xml", from("192.0.2.1", NEWSBOAT));
    const body = await first.arrayBuffer();
    const etag = first.headers.get("ETag") ?? "";
    expect((await request("/feed.xml", from("192.0.2.1", NEWSBOAT, { "If-None-Match": etag }))).status).toBe(304);
    expect((await request("/feed.xml", { method: "HEAD", ...from("192.0.2.1", NEWSBOAT) })).status).toBe(200);
    expect((await request("/feed.xml", from("192.0.2.1", NEWSBOAT), { POLL_MIN_INTERVAL: "600" })).status).toBe(200);
    expect((await request("/feed.xml", from("192.0.2.1", NEWSBOAT), { POLL_MIN_INTERVAL: "600" })).status).toBe(429);
    await publish([makeArticle({ id: "second", published: "2026-03-02T09:00:00+01:00" })]);
    const delta = await request("/feed.xml", from("192.0.2.1", NEWSBOAT, { "A-IM": "feed", "If-None-Match": etag }));
    expect(delta.status).toBe(226);
    const deltaBytes = (await delta.arrayBuffer()).byteLength;
    const day = await latest();
    expect(day.date).toBe(new Date().toISOString().slice(0, 10));
    const feed = day.feeds.find((f) => f.feed === "/feed.xml");
    expect(feed).toMatchObject({ subscribers: 1, polls: 6, conditionalShare: 2 / 6, bytes: 2 * body.byteLength + deltaBytes });
    expect(feed?.readers).toEqual([{ name: "newsboat", kind: "reader", subscribers: 1, clients: 1, polls: 6 }]);
  });

  it("counts the current documents of every scope and format, not archive pages or unknown feeds", async () => {
    await publish([makeArticle({ section: "World" })]);
    const feedly = "Feedly/1.0 (poller; 131 subscribers;)";
    expect((await request("/sections/world/atom.xml", from("192.0.2.1", feedly))).status).toBe(200);
    expect((await request("/feed.json", from("192.0.2.2", NEWSBOAT))).status).toBe(200);
    expect((await request("/sections/nowhere/atom.xml", from("192.0.2.2", NEWSBOAT))).status).toBe(404);
    const day = await latest();
    expect(day.feeds.map((f) => [f.feed, f.subscribers])).toEqual([
      ["/feed.json", 1],
      ["/sections/world/atom.xml", 131],
    ]);
    expect(day.total.subscribers).toBe(132);
    const one = await latest("?feed=/sections/world/atom.xml&days=7");
    expect(one.feeds.map((f) => f.feed)).toEqual(["/sections/world/atom.xml"]);
    expect(one.total.subscribers).toBe(132);
    expect((await stats("?days=7")).days).toHaveLength(7);
  });

  it("lists clients that poll without validators, or too often", async () => {
    await publish([makeArticle()]);
    const rude = "GreedyFetcher/0.1";
    for (let i = 0; i < 4; i++) await request("/feed.xml", from("192.0.2.1", rude));
    await request("/feed.xml", from("192.0.2.2", NEWSBOAT));
    const day = await latest();
    expect(day.total.impolite).toEqual([
      {
        name: "GreedyFetcher",
        kind: "reader",
        userAgent: rude,
        polls: 4,
        clients: 1,
        pollsPerClient: 4,
        conditionalShare: 0,
        reasons: ["unconditional"],
      },
    ]);
  });
});

describe("a poll's own path", () => {
  it("never waits for the statistics: the flush it starts runs after the answer", async () => {
    await publish([makeArticle()]);
    let release = () => {};
    const recorded: unknown[] = [];
    const store = {
      idFromName: () => env.STATS_STORE.idFromName("stats"),
      get: () => ({
        salts: async () => ({}),
        record: (batch: unknown) => {
          recorded.push(batch);
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      }),
    } as unknown as Env["STATS_STORE"];
    const ctx = createExecutionContext();
    const res = await app.request("/feed.xml", from("192.0.2.1", NEWSBOAT), { ...env, STATS_STORE: store }, ctx);
    expect(res.status).toBe(200); // answered while the store still holds the flush
    await new Promise((r) => setTimeout(r, 10));
    expect(recorded).toHaveLength(1);
    release();
    await waitOnExecutionContext(ctx);
  });
});

describe("polling etiquette", () => {
  it("is judged per feed: a reader of many feeds is not too frequent for the publication", async () => {
    await publish([makeArticle({ section: "World", tags: ["a", "b"] })]);
    const paths = ["/feed.xml", "/atom.xml", "/feed.json", "/sections/world/feed.xml", "/tags/a/feed.xml", "/tags/b/feed.xml"];
    const first = await Promise.all(paths.map((p) => request(p, from("192.0.2.1", NEWSBOAT))));
    for (let round = 0; round < 60; round++) {
      for (const [i, p] of paths.entries())
        await request(p, from("192.0.2.1", NEWSBOAT, { "If-None-Match": first[i]?.headers.get("ETag") ?? "" }));
    }
    const day = await latest();
    expect(day.total.polls).toBe(366);
    // More often than max-age allows, were the publication one feed; each feed alone (61 polls) is polled politely.
    expect(366).toBeGreaterThan(86_400 / SETTINGS.maxAge);
    expect(day.total.impolite).toEqual([]);
  });
});

describe("GET /api/stats", () => {
  it("needs the token", async () => {
    const res = await request("/api/stats");
    expect(res.status).toBe(401);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await request("/api/stats", { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
  });

  it.each([
    ["?days=0", "days"],
    ["?days=401", "days"],
    ["?days=ten", "days"],
    ["?days=1.5", "days"],
    ["?feed=/nothing.xml", "feed"],
    ["?feed=/sections/world/archive/1/feed.xml", "feed"],
  ])("refuses %s naming the field", async (query, field) => {
    const res = await request(`/api/stats${query}`, { headers: AUTH });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const problem = (await res.json()) as { errors: { field: string; reason: string }[] };
    expect(problem.errors).toEqual([{ field, reason: expect.any(String) }]);
  });

  it("gives 30 days by default, oldest first, every day present", async () => {
    const { days, from, to } = await stats();
    expect(days).toHaveLength(30);
    expect([days[0]?.date, days.at(-1)?.date]).toEqual([from, to]);
  });

  it("is described in the OpenAPI document", async () => {
    const doc = (await (await request("/api/openapi.json")).json()) as { paths: Record<string, { get?: { security?: unknown } }> };
    expect(doc.paths["/stats"]?.get?.security).toEqual([{ bearer: [] }]);
  });
});

describe("STATS=off", () => {
  it("counts nothing and serves no statistics", async () => {
    await publish([makeArticle()]);
    const off = { STATS: "off" };
    expect((await request("/feed.xml", from("192.0.2.1", NEWSBOAT), off)).status).toBe(200);
    expect((await request("/api/stats", { headers: AUTH }, off)).status).toBe(404);
    expect((await request("/stats", {}, off)).status).toBe(404);
    expect((await latest()).total.polls).toBe(0);
  });
});

describe("the /stats page", () => {
  it("asks for the token, and can make no third-party request", async () => {
    const res = await request("/stats");
    expect(res.status).toBe(200);
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    // Styles from the site's stylesheet only: the page and its report carry no inline style.
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain("unsafe-inline");
    const page = await res.text();
    expect(page).not.toContain("style=");
    expect(page).toContain('<input name="token" type="password"');
    expect(page).toContain("sessionStorage");
    expect(page).not.toContain("localStorage.");
    expect(page).not.toMatch(/(src|href)="https?:\/\/(?!localhost)/);
  });

  it("gets its report, drawn on the server, with the token only", async () => {
    await publish([makeArticle()]);
    await request("/feed.xml", from("192.0.2.1", NEWSBOAT));
    expect((await request("/stats/report")).status).toBe(401);
    const res = await request("/stats/report?days=7", { headers: AUTH });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<svg");
    expect(html.match(/<polyline/g)).toHaveLength(2); // the total and /feed.xml
    expect(html).toContain("<td>newsboat</td><td>reader</td>");
    expect(html).toContain("Every client polls politely.");
    expect(html).not.toContain("style=");
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  });
});
