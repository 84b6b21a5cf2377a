import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Article } from "../src/article";
import { forgetFeedIndexes, KEYS, MAIN_SCOPE } from "../src/store";
import { makeArticle, manyArticles, publish, publisher, publisherKv, refusingPuts, request, retract, SETTINGS } from "./helpers";
import { fetchFeed, walk } from "./parse";

const N = SETTINGS.itemsPerFeed;
const idOf = (a: Article) => `tag:${SETTINGS.idAuthority}:${a.id}`;
const FORMATS = [
  ["/feed.xml", "prev-archive"],
  ["/atom.xml", "prev-archive"],
  ["/feed.json", "next"],
] as const;

/** A deterministic shuffle (mulberry32), so a failure can be replayed. */
function shuffled<T>(list: T[], seed = 7): T[] {
  const out = [...list];
  let s = seed;
  const random = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("walking the archive (RFC 5005)", () => {
  it("reaches every published article exactly once, in every format, whatever order they were published in", async () => {
    const articles = manyArticles(333);
    // Back-dated arrivals land in pages that already exist; some are retracted.
    const order = shuffled(articles);
    for (let i = 0; i < order.length; i += 37) await publish(order.slice(i, i + 37));
    const retracted = shuffled(articles, 11).slice(0, 12);
    for (const a of retracted) await retract(a.id);
    const live = articles.filter((a) => !retracted.includes(a));
    for (const [path, rel] of FORMATS) {
      const { paths, ids } = await walk(path, rel);
      expect(ids.toSorted(), path).toEqual(live.map(idOf).toSorted());
      expect(new Set(ids).size, path).toBe(ids.length);
      expect(paths.length, path).toBeGreaterThan(3);
      // Newest first across the whole walk, as in one long feed.
      expect(ids, path).toEqual(live.toReversed().map(idOf));
    }
  });

  it("keeps the current document between ITEMS_PER_FEED and twice that, and no page above it", async () => {
    await publish(manyArticles(N * 5 + 3));
    const current = await fetchFeed("/atom.xml");
    expect(current.ids.length).toBeGreaterThanOrEqual(N);
    expect(current.ids.length).toBeLessThan(2 * N);
    const { paths } = await walk("/atom.xml", "prev-archive");
    for (const path of paths.slice(1)) expect((await fetchFeed(path)).ids.length).toBeLessThanOrEqual(N);
  });
});

describe("archive documents", () => {
  it("link current, prev-archive and next-archive, say fh:archive and advertise no hub", async () => {
    await publish(manyArticles(N * 4));
    const base = SETTINGS.siteUrl;
    const newest = (await fetchFeed("/atom.xml")).link("prev-archive") ?? "";
    const middle = await fetchFeed(new URL(newest).pathname);
    expect(middle.link("current")).toBe(`${base}/atom.xml`);
    expect(middle.link("self")).toBe(newest);
    const older = middle.link("prev-archive") ?? "";
    expect(older).toMatch(/\/archive\/\d+\/atom\.xml$/);
    expect((await fetchFeed(new URL(older).pathname)).link("next-archive")).toBe(newest);
    expect(middle.body).toContain("<fh:archive/>");
    expect(middle.link("hub")).toBeUndefined();
    const rss = await fetchFeed(new URL(newest.replace("atom.xml", "feed.xml")).pathname);
    expect(rss.body).toContain("<fh:archive/>");
    expect(rss.link("current")).toBe(`${base}/feed.xml`);
    // The current document is not an archive.
    expect((await fetchFeed("/feed.xml")).body).not.toContain("<fh:archive/>");
  });

  it("are served with the long archive max-age", async () => {
    await publish(manyArticles(N * 2));
    const res = await request("/archive/1/feed.json");
    expect(res.headers.get("Cache-Control")).toBe(
      `public, max-age=${SETTINGS.archiveMaxAge}, stale-while-revalidate=${SETTINGS.staleWhileRevalidate}, stale-if-error=${SETTINGS.staleIfError}`,
    );
    expect(SETTINGS.archiveMaxAge).toBeGreaterThan(SETTINGS.maxAge);
    // and say so in RSS too: <ttl> and the syndication hints agree with that max-age
    const rss = await (await request("/archive/1/feed.xml")).text();
    expect(rss).toContain(`<ttl>${SETTINGS.archiveMaxAge / 60}</ttl>`);
    expect(rss).toContain("<sy:updatePeriod>daily</sy:updatePeriod>");
    expect(rss).toContain(`<sy:updateFrequency>${Math.max(1, Math.round(86_400 / SETTINGS.archiveMaxAge))}</sy:updateFrequency>`);
  });

  it("keep their items when new articles arrive, and their bytes once a newer page exists", async () => {
    const articles = manyArticles(N * 6);
    await publish(articles.slice(0, N * 2));
    const first = await fetchFeed("/archive/1/atom.xml");
    await publish(articles.slice(N * 2, N * 3));
    // Page 2 now exists: page 1 gains its next-archive link (RFC 5005), and keeps its items.
    const linked = await fetchFeed("/archive/1/atom.xml");
    expect(linked.ids).toEqual(first.ids);
    expect(linked.link("next-archive")).toBe(`${SETTINGS.siteUrl}/archive/2/atom.xml`);
    await publish(articles.slice(N * 3));
    const later = await request("/archive/1/atom.xml");
    expect(later.headers.get("ETag")).toBe(linked.res.headers.get("ETag"));
    expect(await later.text()).toBe(linked.body);
  });

  it("change their validators, and only theirs, when an archived article is edited", async () => {
    const articles = manyArticles(N * 3);
    await publish(articles);
    const etags = async () =>
      Object.fromEntries(
        await Promise.all(
          ["/feed.xml", "/archive/1/feed.xml", "/archive/2/feed.xml"].map(async (p) => [p, (await request(p)).headers.get("ETag")]),
        ),
      );
    const before = await etags();
    const oldest = articles[0] as Article;
    await publish([{ ...oldest, title: "Corrected", updated: "2026-01-01T00:00:00Z" }]);
    const after = await etags();
    expect(after["/archive/1/feed.xml"]).not.toBe(before["/archive/1/feed.xml"]);
    expect(after["/archive/2/feed.xml"]).toBe(before["/archive/2/feed.xml"]);
    expect(after["/feed.xml"]).toBe(before["/feed.xml"]);
    expect((await fetchFeed("/archive/1/feed.json")).items.map((i) => i.title)).toContain("Corrected");
  });

  it("answer 404 for a page that does not exist", async () => {
    await publish([makeArticle()]);
    for (const path of ["/archive/1/feed.xml", "/archive/99/atom.xml", "/archive/0/feed.json", "/archive/x/feed.json"]) {
      expect((await request(path)).status, path).toBe(404);
    }
    const res = await request("/archive/7/feed.xml");
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  });
});

describe("when KV refuses the feed documents", () => {
  it("writes them, new pages included, when the alarm retries", async () => {
    const articles = manyArticles(N * 2);
    await publish(articles.slice(0, -1)); // one short of a split
    let failing = true;
    await publisherKv((kv) => refusingPuts(kv, (key) => failing && key.startsWith("feed:")));
    await publish(articles.slice(-1)); // stored (the Publisher answers once SQLite has it); page 1 is cut, not written
    expect(await env.ARTICLES.get(KEYS.feed(MAIN_SCOPE, 1))).toBeNull();
    failing = false;
    expect(await runDurableObjectAlarm(publisher())).toBe(true);
    forgetFeedIndexes(env.ARTICLES); // read what KV holds now
    const { ids } = await walk("/atom.xml", "prev-archive");
    expect(ids).toEqual(articles.toReversed().map(idOf));
  });
});
