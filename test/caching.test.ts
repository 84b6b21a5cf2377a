import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { forgetFeedIndexes, writeFeedIndex } from "../src/store";
import { countingKv, feedIndex, MAIN_KEY, makeArticle, publish, request, SETTINGS, seedArticle } from "./helpers";

const FEEDS = ["/feed.xml", "/atom.xml", "/feed.json"];
const PAGES = [...FEEDS, "/", "/articles/maduro-considering-asylum"];
/** Every kind of read route: pages, the seed article's section, author and tag feeds, and the OPML list. */
const ROUTES = [...PAGES, "/sections/world/feed.xml", "/authors/mark-browne/atom.xml", "/tags/venezuela/feed.json", "/feeds.opml"];
const CACHE_CONTROL = `public, max-age=${SETTINGS.maxAge}, stale-while-revalidate=${SETTINGS.staleWhileRevalidate}, stale-if-error=${SETTINGS.staleIfError}`;

afterEach(() => {
  vi.restoreAllMocks();
});

const get = (path: string, headers: Record<string, string> = {}, bindings: Partial<Env> = {}) => request(path, { headers }, bindings);

async function validators(path: string) {
  const res = await get(path);
  expect(res.status).toBe(200);
  return { etag: res.headers.get("ETag") ?? "", lastModified: res.headers.get("Last-Modified") ?? "", body: await res.text() };
}

describe("validators", () => {
  it.each(PAGES)("%s has a strong ETag and Last-Modified from the newest change, not now", async (path) => {
    await publish([seedArticle()]);
    const { etag, lastModified } = await validators(path);
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(lastModified).toBe("Fri, 21 Jul 2017 00:12:00 GMT");
  });

  it("keeps the ETag while the bytes stay the same, and changes it when an item changes", async () => {
    await publish([seedArticle(), makeArticle({ id: "other" })]);
    const before = await validators("/feed.xml");
    expect((await validators("/feed.xml")).etag).toBe(before.etag);
    await publish([makeArticle({ id: "other", title: "Changed", updated: "2026-04-01T00:00:00Z" })]);
    const after = await validators("/feed.xml");
    expect(after.etag).not.toBe(before.etag);
    expect(after.body).not.toBe(before.body);
    expect(after.lastModified).toBe("Wed, 01 Apr 2026 00:00:00 GMT");
  });

  it("gives each format its own ETag", async () => {
    await publish([seedArticle()]);
    const etags = await Promise.all(FEEDS.map(async (p) => (await validators(p)).etag));
    expect(new Set(etags).size).toBe(3);
  });
});

describe("conditional requests (RFC 9110 §13)", () => {
  it.each(ROUTES)("%s answers a matching If-None-Match with 304: same validators and caching headers, no body", async (path) => {
    await publish([seedArticle()]);
    const full = await get(path);
    const res = await get(path, { "If-None-Match": full.headers.get("ETag") ?? "" });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe("");
    for (const h of ["ETag", "Cache-Control", "Last-Modified", "Vary"]) expect(res.headers.get(h)).toBe(full.headers.get(h));
  });

  it("matches within a list, with weak comparison, and for *", async () => {
    await publish([seedArticle()]);
    const { etag } = await validators("/atom.xml");
    expect((await get("/atom.xml", { "If-None-Match": `"nope", W/${etag}` })).status).toBe(304);
    expect((await get("/atom.xml", { "If-None-Match": "*" })).status).toBe(304);
    expect((await get("/atom.xml", { "If-None-Match": '"nope", "other"' })).status).toBe(200);
  });

  it("answers If-Modified-Since with 304 when nothing is newer, 200 when something is", async () => {
    await publish([seedArticle()]);
    const { lastModified } = await validators("/feed.json");
    expect((await get("/feed.json", { "If-Modified-Since": lastModified })).status).toBe(304);
    expect((await get("/feed.json", { "If-Modified-Since": "Thu, 20 Jul 2017 00:00:00 GMT" })).status).toBe(200);
  });

  it("moves Last-Modified forward on a retraction, so If-Modified-Since sees it", async () => {
    await publish([seedArticle(), makeArticle({ id: "newest", published: "2026-03-01T00:00:00Z" })]);
    const { lastModified } = await validators("/feed.xml");
    expect((await request("/api/articles/newest", { method: "DELETE", headers: { Authorization: "Bearer test-token" } })).status).toBe(204);
    const after = await validators("/feed.xml");
    expect(Date.parse(after.lastModified)).toBeGreaterThan(Date.parse(lastModified));
    expect((await get("/feed.xml", { "If-Modified-Since": lastModified })).status).toBe(200);
  });

  it("lets If-None-Match decide when both are sent (§13.2.2), either way", async () => {
    await publish([seedArticle()]);
    const { etag, lastModified } = await validators("/feed.xml");
    expect((await get("/feed.xml", { "If-None-Match": '"stale"', "If-Modified-Since": lastModified })).status).toBe(200);
    const longAgo = "Mon, 01 Jan 2001 00:00:00 GMT";
    expect((await get("/feed.xml", { "If-Modified-Since": longAgo })).status).toBe(200);
    expect((await get("/feed.xml", { "If-None-Match": etag, "If-Modified-Since": longAgo })).status).toBe(304);
  });

  it.each(["yesterday-ish", "2030", "2030-01-01T00:00:00Z", "Tue, 01 Jan 2030 00:00:00 +0000"])(
    "ignores If-Modified-Since: %s, which is no HTTP-date",
    async (since) => {
      await publish([seedArticle()]);
      expect((await get("/feed.xml", { "If-Modified-Since": since })).status).toBe(200);
    },
  );

  it.each(["Tue, 01 Jan 2030 00:00:00 GMT", "Tuesday, 01-Jan-30 00:00:00 GMT", "Tue Jan  1 00:00:00 2030"])(
    "reads If-Modified-Since in each HTTP-date form: %s",
    async (since) => {
      await publish([seedArticle()]);
      expect((await get("/feed.xml", { "If-Modified-Since": since })).status).toBe(304);
    },
  );

  it("never renders for a 304: it reads only the feed's index", async () => {
    await publish([seedArticle()]);
    const { etag } = await validators("/feed.xml");
    const { kv, counts } = countingKv(env.ARTICLES);
    expect((await get("/feed.xml", { "If-None-Match": etag }, { ARTICLES: kv })).status).toBe(304);
    expect(counts.reads).toBe(1);
  });
});

describe("HEAD and methods", () => {
  it.each(ROUTES)("HEAD %s has the GET's headers and no body", async (path) => {
    await publish([seedArticle()]);
    const full = await get(path);
    const head = await request(path, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    for (const h of ["ETag", "Cache-Control", "Last-Modified", "Vary", "Content-Type"])
      expect(head.headers.get(h)).toBe(full.headers.get(h));
  });

  it.each(ROUTES)("POST %s is 405 with Allow: GET, HEAD", async (path) => {
    const res = await request(path, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
  });
});

describe("response headers", () => {
  it.each(ROUTES)("%s: Cache-Control from the settings", async (path) => {
    await publish([seedArticle()]);
    expect((await get(path)).headers.get("Cache-Control")).toBe(CACHE_CONTROL);
  });

  it.each(ROUTES)("%s: Vary on the coding and (feeds) on what marks a browser's navigation, on the 200 and the 304", async (path) => {
    await publish([seedArticle()]);
    const vary =
      path.endsWith("/feed.xml") || path.endsWith("/atom.xml") || path.endsWith("/feed.json")
        ? "Accept-Encoding, Sec-Fetch-Dest, Accept"
        : "Accept-Encoding";
    const full = await get(path);
    expect(full.headers.get("Vary")).toBe(vary);
    expect((await get(path, { "If-None-Match": full.headers.get("ETag") ?? "" })).headers.get("Vary")).toBe(vary);
  });

  it.each(ROUTES)("%s: open to browser-based readers (CORS)", async (path) => {
    await publish([seedArticle()]);
    expect((await get(path, { Origin: "https://reader.example" })).headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("puts an RSS ttl and syndication hints that agree with max-age", async () => {
    const rss = await (await get("/feed.xml")).text();
    expect(rss).toContain(`<ttl>${SETTINGS.maxAge / 60}</ttl>`);
    expect(rss).toContain("<sy:updatePeriod>hourly</sy:updatePeriod>");
    expect(rss).toContain(`<sy:updateFrequency>${3600 / SETTINGS.maxAge}</sy:updateFrequency>`);
  });

  it("gzips when the client asks, to the same bytes", async () => {
    await publish([seedArticle()]);
    const plain = await (await get("/atom.xml")).text();
    const res = await get("/atom.xml", { "Accept-Encoding": "br;q=0.5, gzip" });
    expect(res.headers.get("Content-Encoding")).toBe("gzip");
    const body = await res.arrayBuffer();
    expect(body.byteLength).toBeLessThan(plain.length / 2);
    const unzipped = await new Response(new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
    expect(unzipped).toBe(plain);
  });

  it("gives each response headers of its own, though they are made once per version and coding", async () => {
    await publish([seedArticle()]);
    const etag = (await get("/feed.xml")).headers.get("ETag") ?? "";
    const requests: Record<string, string>[] = [{}, { "Accept-Encoding": "gzip" }, { "If-None-Match": etag }];
    for (const headers of requests) {
      const first = await get("/feed.xml", headers);
      first.headers.set("X-Changed-By-A-Middleware", "1");
      first.headers.delete("ETag");
      const second = await get("/feed.xml", headers);
      expect(second.headers.get("X-Changed-By-A-Middleware")).toBeNull();
      expect(second.headers.get("ETag")).toMatch(/^"/);
    }
  });

  it("gives each coding's bytes a strong ETag of their own, and revalidates each with its own", async () => {
    await publish([seedArticle()]);
    const codings: Record<string, string>[] = [{}, { "Accept-Encoding": "gzip" }, { "Accept-Encoding": "br" }];
    const tags = await Promise.all(codings.map(async (h) => (await get("/feed.xml", h)).headers.get("ETag") ?? ""));
    for (const tag of tags) expect(tag).toMatch(/^"[^"]+"$/);
    expect(new Set(tags).size).toBe(3);
    for (const [i, headers] of codings.entries()) {
      const res = await get("/feed.xml", { ...headers, "If-None-Match": tags[i] ?? "" });
      expect(res.status).toBe(304);
      expect(res.headers.get("ETag")).toBe(tags[i]);
      // A variant the client does not hold is sent whole, under its own tag.
      const other = tags[(i + 1) % tags.length] ?? "";
      const whole = await get("/feed.xml", { ...headers, "If-None-Match": other });
      expect(whole.status).toBe(200);
      expect(whole.headers.get("ETag")).toBe(tags[i]);
    }
  });

  it("leaves br to the runtime's encoder, and sends identity when nothing is acceptable", async () => {
    expect((await get("/feed.json", { "Accept-Encoding": "br" })).headers.get("Content-Encoding")).toBe("br");
    expect((await get("/feed.json", { "Accept-Encoding": "gzip;q=0, identity" })).headers.get("Content-Encoding")).toBeNull();
    expect((await get("/feed.json")).headers.get("Content-Encoding")).toBeNull();
  });
});

describe("the cost of a poll", () => {
  it.each(FEEDS)("%s: a hot request reads at most one small KV key and renders nothing", async (path) => {
    await publish([seedArticle(), makeArticle()]);
    const { kv, counts } = countingKv(env.ARTICLES);
    // Every render makes its bytes with TextEncoder; serving kept bytes makes none, nor asks the Cache API.
    const encodes = vi.spyOn(TextEncoder.prototype, "encode");
    const cacheReads = vi.spyOn(caches.default, "match");
    const first = await (await get(path, {}, { ARTICLES: kv })).text(); // a miss: renders once, keeps the bytes
    expect(encodes).toHaveBeenCalled();
    encodes.mockClear();
    const afterFirst = { ...counts };
    const again = await get(path, {}, { ARTICLES: kv });
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(first);
    expect(encodes).not.toHaveBeenCalled();
    expect(cacheReads).toHaveBeenCalledTimes(1); // the miss's
    expect(counts.reads - afterFirst.reads).toBeLessThanOrEqual(1);
  });

  it("a publish changes the version in KV, so every location serves the new feed, whatever its caches hold", async () => {
    await publish([seedArticle()]);
    // Two other locations (isolates: a binding object each) that serve the old version from
    // their kept bytes, and have put it in the Cache API.
    const locations = [countingKv(env.ARTICLES).kv, countingKv(env.ARTICLES).kv];
    const before = await get("/feed.json", {}, { ARTICLES: locations[0] });
    for (const kv of locations)
      expect((await get("/feed.json", {}, { ARTICLES: kv })).headers.get("ETag")).toBe(before.headers.get("ETag"));
    await publish([makeArticle({ id: "breaking", title: "Breaking news" })]); // through this isolate
    for (const kv of locations) {
      forgetFeedIndexes(kv); // their 2 s index reuse is over
      const res = await get("/feed.json", {}, { ARTICLES: kv });
      expect(res.headers.get("ETag")).not.toBe(before.headers.get("ETag"));
      expect(await res.text()).toContain("Breaking news");
    }
  });

  it("serves correctly when the Cache API fails: it is only a speed-up", async () => {
    await publish([seedArticle()]);
    const match = vi.spyOn(caches.default, "match").mockRejectedValue(new Error("cache down"));
    const put = vi.spyOn(caches.default, "put").mockRejectedValue(new Error("cache down"));
    const fresh = countingKv(env.ARTICLES).kv; // an isolate with nothing kept
    const res = await get("/atom.xml", {}, { ARTICLES: fresh });
    expect(res.status).toBe(200);
    expect(match).toHaveBeenCalled();
    expect(put).toHaveBeenCalled(); // and its failing to keep a copy is only logged
    expect(await res.text()).toContain("Venezuelan President");
  });
});

describe("a version served again", () => {
  it("carries the Last-Modified of now, not of when its bytes were first kept", async () => {
    const article = makeArticle({ id: "story" });
    await publish([article]);
    const first = await get("/feed.xml");
    await publish([{ ...article, title: "A mistake", updated: "2026-03-02T00:00:00Z" }]);
    await publish([article]); // reverted before anyone fetched: the same bytes as the first time
    const again = await get("/feed.xml");
    expect(again.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(Date.parse(again.headers.get("Last-Modified") ?? "")).toBeGreaterThan(Date.parse(first.headers.get("Last-Modified") ?? ""));
    const etag = again.headers.get("ETag") ?? "";
    expect((await get("/feed.xml", { "If-None-Match": etag })).headers.get("Last-Modified")).toBe(again.headers.get("Last-Modified"));
  });
});

describe("read-your-writes", () => {
  it("shows a publish on this isolate's next request even while KV's edge copy of the index is older", async () => {
    await publish([seedArticle()]);
    const old = await feedIndex();
    const res = await request("/api/articles/fresh", {
      method: "PUT",
      headers: { Authorization: "Bearer test-token", "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Fresh story", summary: "Just in.", authors: [{ name: "Ann" }], published: "2026-06-01T10:00:00Z" }),
    });
    expect(res.status).toBe(201);
    await writeFeedIndex(env.ARTICLES, MAIN_KEY, old); // a location whose edge cache still has the old index
    expect(await (await get("/feed.json")).text()).toContain("Fresh story");
    // and once the isolate re-reads KV, the older index does not replace the newer one
    expect((await feedIndex()).items.map(([id]) => id)).toContain("fresh");
  });
});

describe("when KV is behind", () => {
  it("never serves a feed missing an item its index lists: the last good copy, or 503", async () => {
    await publish([seedArticle()]);
    const good = await (await get("/feed.json")).text();
    const index = await feedIndex();
    await writeFeedIndex(env.ARTICLES, MAIN_KEY, { ...index, version: "ahead", items: [["not-yet-replicated", '"x"', 9], ...index.items] });
    forgetFeedIndexes(env.ARTICLES);
    const res = await get("/feed.json");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(good);
    const fresh = countingKv(env.ARTICLES).kv; // another binding object: an isolate with no copy kept
    expect((await get("/atom.xml", {}, { ARTICLES: fresh })).status).toBe(503);
  });
});

describe("when KV holds another version of an article than the index names", () => {
  it("does not render it under the index's version", async () => {
    await publish([seedArticle()]);
    const index = await feedIndex();
    const [id] = index.items[0] ?? [];
    await writeFeedIndex(env.ARTICLES, MAIN_KEY, { ...index, version: "newer", items: [[id ?? "", '"a-newer-edit"', 9]] });
    const fresh = countingKv(env.ARTICLES).kv;
    expect((await get("/feed.xml", {}, { ARTICLES: fresh })).status).toBe(503);
  });
});

describe("when KV fails", () => {
  /** The real binding, until `failing` is set; then every read throws (and is counted). */
  function flakyKv() {
    const state = { failing: false, failed: 0 };
    const kv = new Proxy(env.ARTICLES, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== "get" || typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (!state.failing) return value.apply(target, args);
          state.failed++;
          return Promise.reject(new Error("KV unavailable"));
        };
      },
    });
    return { kv, state };
  }

  it("serves the last good copy (stale-if-error), never an empty feed", async () => {
    await publish([seedArticle()]);
    const { kv, state } = flakyKv();
    const good = await get("/feed.xml", {}, { ARTICLES: kv });
    const body = await good.text();
    state.failing = true;
    forgetFeedIndexes(kv); // its index reuse over: the next request must read KV
    const res = await get("/feed.xml", {}, { ARTICLES: kv });
    expect(state.failed).toBeGreaterThan(0);
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe(good.headers.get("ETag"));
    expect(await res.text()).toBe(body);
  });

  it("answers 503 with Retry-After, not a 500 or an empty feed, when it has no good copy", async () => {
    const { kv, state } = flakyKv();
    state.failing = true;
    const res = await get("/atom.xml", {}, { ARTICLES: kv });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("30");
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await res.text()).not.toContain("at ");
  });
});
