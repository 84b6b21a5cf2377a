import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { KEYS, readFeedIndex } from "../src/store";
import {
  AUTH,
  apiBatch,
  apiDelete,
  apiPut,
  articleBody,
  feedIndex,
  MAIN_KEY,
  manyArticles,
  publish,
  publisher,
  publisherKv,
  refusingPuts,
  request,
  SETTINGS,
  spyRounds,
} from "./helpers";
import { fetchFeed, walk } from "./parse";

const FEEDS = ["/feed.xml", "/atom.xml", "/feed.json"];
const tagId = (name: string) => `tag:${SETTINGS.idAuthority}:${name}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** An instant `ms` from now, as a publisher writes it (with an offset). */
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString().replace("Z", "+00:00");

/** An embargoed piece with a section, author and tag of its own, so its scopes exist only through it. */
const embargoed = (published: string, overrides: Record<string, unknown> = {}) =>
  articleBody({
    title: "Embargoed report",
    published,
    section: "Embargo Desk",
    authors: [{ name: "Eve Embargo" }],
    tags: ["embargo"],
    ...overrides,
  });

/** The public documents a scheduled article must not touch, and must be in once live. */
const PUBLIC = [
  ...FEEDS,
  ...FEEDS.map((f) => `/sections/embargo-desk/${f.slice(1)}`),
  ...FEEDS.map((f) => `/authors/eve-embargo/${f.slice(1)}`),
  ...FEEDS.map((f) => `/tags/embargo/${f.slice(1)}`),
  "/feeds.opml",
  "/",
  "/articles/report",
  "/api/articles/report",
  "/api/articles",
];

interface Seen {
  status: number;
  etag: string | null;
  lastModified: string | null;
  body: string;
}

/** What an anonymous reader gets at every public URL. */
async function publicView(): Promise<Record<string, Seen>> {
  const seen: Record<string, Seen> = {};
  for (const path of PUBLIC) {
    const res = await request(path);
    seen[path] = {
      status: res.status,
      etag: res.headers.get("ETag"),
      lastModified: res.headers.get("Last-Modified"),
      body: await res.text(),
    };
  }
  return seen;
}

/** Waits until KV's main feed names `id` (read afresh each time), up to `within` ms; returns when it did. */
async function liveAt(id: string, within = 6000): Promise<number> {
  for (const started = Date.now(); Date.now() - started < within; await sleep(20)) {
    const index = await readFeedIndex(env.ARTICLES, MAIN_KEY, 0);
    if (index?.items.some(([item]) => item === id)) return Date.now();
  }
  throw new Error(`${id} did not go live within ${within} ms`);
}

const announcements = () =>
  runInDurableObject(publisher(), (_, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM announcements").one().n);

describe("scheduled publishing", () => {
  it("is hidden everywhere before its time, and live everywhere within 2 s of it, by itself", async () => {
    await publish(manyArticles(3));
    const before = await publicView();
    const due = Date.now() + 3000;
    const res = await apiPut("report", embargoed(new Date(due).toISOString()));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: "created", state: "scheduled", goesLiveAt: new Date(due).toISOString() });

    // Nothing public moved: not a status, a validator or a byte.
    const during = await publicView();
    expect(during).toEqual(before);
    for (const path of PUBLIC.filter((p) => p.includes("embargo") || p.includes("/report"))) expect(during[path]?.status, path).toBe(404);
    expect(await env.ARTICLES.get(KEYS.article("report"))).toBeNull();

    // The publisher sees it, marked, with its time.
    const mine = await request("/api/articles/report", { headers: AUTH });
    expect(mine.status).toBe(200);
    expect(mine.headers.get("Article-State")).toBe(`scheduled; goes-live="${new Date(due).toISOString()}"`);
    const list = await (await request("/api/articles", { headers: AUTH })).json<{ items: { article: { id: string }; state: string }[] }>();
    expect(list.items.map((i) => [i.article.id, i.state])).toEqual([
      ["report", "scheduled"],
      ["item-2", "live"],
      ["item-1", "live"],
      ["item-0", "live"],
    ]);

    // As a reader polling the feed sees it: through this isolate's caches, as served.
    let wentLive = 0;
    for (; !wentLive && Date.now() < due + 6000; await sleep(20)) {
      const seen = Date.now();
      if ((await fetchFeed("/feed.json")).ids.includes(tagId("report"))) wentLive = seen;
    }
    expect(wentLive).toBeGreaterThanOrEqual(due);
    expect(wentLive - due).toBeLessThan(2000);

    const after = await publicView();
    for (const path of PUBLIC) expect(after[path]?.status, path).toBe(200);
    for (const path of [...FEEDS, "/feeds.opml", "/"]) {
      expect(after[path]?.etag, path).not.toBe(before[path]?.etag);
      expect(Date.parse(after[path]?.lastModified ?? ""), path).toBeGreaterThan(Date.parse(before[path]?.lastModified ?? ""));
    }
    for (const path of PUBLIC.filter((p) => p.includes("embargo"))) expect((await fetchFeed(path)).ids, path).toEqual([tagId("report")]);
    expect((await fetchFeed("/feed.json")).ids[0]).toBe(tagId("report"));
    expect(after["/feeds.opml"]?.body).toContain("Embargo Desk");
    expect(after["/"]?.body).toContain("Embargoed report");
    expect((await request("/api/articles/report")).headers.get("Article-State")).toBe("live");
    // Its hubs hear of it, after the ping delay.
    expect(await announcements()).toBeGreaterThan(0);
  });

  it("editing keeps it hidden, a later time reschedules it, a past one publishes it now; If-Match works as for any article", async () => {
    await publish(manyArticles(2));
    const version = (await feedIndex()).version;
    const first = await apiPut("report", embargoed(inMs(60_000)));
    const etag = first.headers.get("ETag") ?? "";

    const stale = await apiPut("report", embargoed(inMs(60_000), { title: "Edited" }), { "If-Match": '"not-it"' });
    expect(stale.status).toBe(412);
    const edited = await apiPut("report", embargoed(inMs(60_000), { title: "Edited" }), { "If-Match": etag });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ status: "updated", state: "scheduled", article: { title: "Edited" } });

    const later = inMs(120_000);
    expect(await (await apiPut("report", embargoed(later, { title: "Edited" }))).json()).toMatchObject({ goesLiveAt: later });
    const upcoming = await (await request("/api/articles?state=scheduled", { headers: AUTH })).json<{
      items: { article: { id: string }; goesLiveAt: string }[];
    }>();
    expect(upcoming.items.map((i) => [i.article.id, i.goesLiveAt])).toEqual([["report", later]]);
    expect((await feedIndex()).version).toBe(version);
    expect((await request("/articles/report")).status).toBe(404);

    const now = await apiPut("report", embargoed("2026-01-01T06:00:00+01:00", { title: "Edited" }));
    expect(await now.json()).toMatchObject({ status: "updated", state: "live" });
    // Published as any write is: in the feeds by the time the answer comes.
    expect((await feedIndex()).items.map(([id]) => id)).toContain("report");
    expect((await request("/articles/report")).status).toBe(200);
    expect((await (await request("/api/articles?state=scheduled", { headers: AUTH })).json<{ items: unknown[] }>()).items).toEqual([]);
  });

  it("a live article moved into the future leaves every public document until its new time", async () => {
    await apiPut("report", embargoed("2026-01-01T06:00:00+01:00"));
    expect((await request("/articles/report")).status).toBe(200);
    const res = await apiPut("report", embargoed(inMs(60_000)));
    expect(await res.json()).toMatchObject({ state: "scheduled" });
    expect((await feedIndex()).items).toEqual([]);
    expect(await env.ARTICLES.get(KEYS.article("report"))).toBeNull();
    for (const path of ["/articles/report", "/api/articles/report", "/sections/embargo-desk/feed.xml"]) {
      expect((await request(path)).status, path).toBe(404);
    }
  });

  it("DELETE before its time cancels it: it never appears and no hub is told", async () => {
    const due = Date.now() + 2500;
    await apiPut("report", embargoed(new Date(due).toISOString()));
    expect((await apiDelete("report")).status).toBe(204);
    await sleep(due + 1500 - Date.now());
    expect(await env.ARTICLES.get(MAIN_KEY)).toBeNull();
    expect(await env.ARTICLES.get(KEYS.article("report"))).toBeNull();
    expect((await request("/articles/report")).status).toBe(404); // never public: not 410
    expect((await request("/api/articles/report", { headers: AUTH })).status).toBe(404);
    expect(await announcements()).toBe(0);
  });

  it("articles due in the same second go live together, in one round", async () => {
    await publish(manyArticles(2));
    let rounds = 0;
    await spyRounds((round) => {
      rounds++;
      return round();
    });
    const due = new Date(Date.now() + 2500).toISOString();
    const batch = Array.from({ length: 40 }, (_, n) => ({ id: `morning-${n}`, ...embargoed(due, { tags: [`t${n % 5}`] }) }));
    const res = await apiBatch(batch);
    expect(res.status).toBe(200);
    expect(rounds).toBe(0); // nothing public to write yet
    const history = (await feedIndex()).history.length;
    await liveAt("morning-39");
    const index = await feedIndex();
    expect(index.items.filter(([id]) => id.startsWith("morning-"))).toHaveLength(40);
    expect(index.history.length).toBe(history + 1);
    expect(rounds).toBe(1);
  });

  it("a Publisher restarted between scheduling and its time still publishes on time", async () => {
    const due = Date.now() + 2500;
    await apiPut("report", embargoed(new Date(due).toISOString()));
    await evictDurableObject(publisher());
    expect((await liveAt("report")) - due).toBeLessThan(2000);
  });

  it("a KV round that fails at its time is retried until it is live", async () => {
    let refusing = true;
    await publisherKv((kv) => refusingPuts(kv, () => refusing));
    const due = Date.now() + 2000;
    await apiPut("report", embargoed(new Date(due).toISOString()));
    await sleep(due + 1000 - Date.now());
    expect(await env.ARTICLES.get(MAIN_KEY)).toBeNull();
    refusing = false;
    await liveAt("report", 8000);
    expect(await env.ARTICLES.get(KEYS.article("report"))).not.toBeNull();
  });

  it("archives, deltas and OPML stay consistent before and after it goes live", async () => {
    await publish(manyArticles(120));
    const before = await walk("/feed.xml", "prev-archive");
    const etag = (await request("/feed.xml")).headers.get("ETag") ?? "";
    const opml = await (await request("/feeds.opml")).text();
    await apiPut("report", embargoed(inMs(2500)));
    expect(await walk("/feed.xml", "prev-archive")).toEqual(before);
    expect(await (await request("/feeds.opml")).text()).toBe(opml);
    await liveAt("report");
    const after = await walk("/feed.xml", "prev-archive");
    expect(after.ids).toEqual([tagId("report"), ...before.ids]);
    const delta = await fetchFeed("/feed.xml", { headers: { "A-IM": "feed", "If-None-Match": etag } }, 226);
    expect(delta.ids).toEqual([tagId("report")]);
    expect(await (await request("/feeds.opml")).text()).toContain("Embargo Desk");
  });
});

describe("the API on scheduled articles", () => {
  it("anonymous reads never reveal one; a wrong token is refused, not read as anonymous", async () => {
    await apiPut("report", embargoed(inMs(60_000)));
    expect((await request("/api/articles/report")).status).toBe(404);
    expect((await request("/api/articles")).status).toBe(200);
    expect((await (await request("/api/articles")).json<{ items: unknown[] }>()).items).toEqual([]);
    expect((await request("/api/articles?state=scheduled")).status).toBe(401);
    expect((await request("/api/articles/report", { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    const bad = await request("/api/articles?state=soon", { headers: AUTH });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ field: "state" }] });
  });

  it("lists the upcoming ones soonest first, page by page", async () => {
    const times = [50, 10, 30, 20, 40].map((m) => inMs(m * 60_000));
    for (const [n, t] of times.entries()) await apiPut(`s${n}`, embargoed(t));
    const ids: string[] = [];
    for (let cursor = ""; ; ) {
      const page = await (
        await request(`/api/articles?state=scheduled&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { headers: AUTH })
      ).json<{ items: { article: { id: string } }[]; nextCursor: string | null }>();
      ids.push(...page.items.map((i) => i.article.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(ids).toEqual(["s1", "s3", "s2", "s4", "s0"]);
  });

  it("a time within the next second publishes at once: the server's clock decides", async () => {
    const res = await apiPut("report", embargoed(inMs(500)));
    expect(await res.json()).toMatchObject({ status: "created", state: "live" });
    expect((await feedIndex()).items.map(([id]) => id)).toEqual(["report"]);
  });

  it("is described in the OpenAPI document", async () => {
    type Operation = { parameters?: { name: string }[]; responses: Record<string, { headers?: object; content?: object }> };
    const { paths } = await (await request("/api/openapi.json")).json<{ paths: Record<string, Record<string, Operation>> }>();
    expect(paths["/articles"]?.get?.parameters?.map((p) => p.name)).toContain("state");
    expect(paths["/articles/{id}"]?.get?.responses["200"]?.headers).toHaveProperty("Article-State");
    expect(JSON.stringify(paths["/articles/{id}"]?.put?.responses["201"]?.content)).toContain('"goesLiveAt"');
    expect(JSON.stringify(paths["/batch"]?.post?.responses["200"]?.content)).toContain('"scheduled"');
  });
});
