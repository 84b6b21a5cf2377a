import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { articleEtag } from "../src/article";
import { KEYS, readArticle } from "../src/store";
import {
  apiBatch,
  apiDelete,
  apiPut,
  articleBody,
  countingKv,
  feedIndex,
  type KvCounts,
  makeArticle,
  publish,
  publisher,
  publisherKv,
  spyRounds,
} from "./helpers";

/** Whether the Publisher still has anything to write to KV. */
const pending = () =>
  runInDurableObject(publisher(), (_, state) => {
    const sql = state.storage.sql;
    return sql.exec("SELECT 1 FROM dirty UNION ALL SELECT 1 FROM outbox LIMIT 1").toArray().length > 0;
  });

/** Every article id in a scope's documents in KV, the current one and its archive pages. */
async function allIds(scope = "main"): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let page: number | undefined = 0; page !== undefined; ) {
    const index = await feedIndex(KEYS.feed(scope, page));
    for (const [id] of index.items) ids.add(id);
    page = index.older;
  }
  return ids;
}

/** Counts the Publisher's KV rounds from now on (the ones that wrote something). */
async function countRounds(): Promise<{ count: number }> {
  const rounds = { count: 0 };
  await spyRounds(async (round) => {
    const result = await round();
    rounds.count++;
    return result;
  });
  return rounds;
}

/** `clients` clients, each sending its `perClient` requests one after another; resolves with every status. */
async function clients(count: number, perClient: number, send: (client: number, n: number) => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, client) => {
      for (let n = 0; n < perClient; n++) {
        const res = await send(client, n);
        await res.body?.cancel();
        statuses.push(res.status);
      }
    }),
  );
  return statuses;
}

const story = (client: number, n: number) =>
  articleBody({ title: `Story ${client}.${n}`, published: new Date(Date.UTC(2026, 0, 1, 0, client, n)).toISOString(), tags: ["load"] });

describe("concurrent writers share KV rounds", () => {
  it("50 clients sending 4 PUTs each are carried in about 4 rounds, not 200", async () => {
    const rounds = await countRounds();
    const statuses = await clients(50, 4, (c, n) => apiPut(`s-${c}-${n}`, story(c, n)));
    expect(statuses).toEqual(Array(200).fill(201));
    // Each client needs a round per request: 4 is the floor, one more for the first wave's stragglers.
    expect(rounds.count).toBeLessThanOrEqual(6);
    expect(await allIds()).toEqual(new Set(Array.from({ length: 200 }, (_, i) => `s-${Math.floor(i / 4)}-${i % 4}`)));
    expect((await allIds("tag:load")).size).toBe(200);
  });

  it("200 concurrent DELETEs share rounds too", async () => {
    await publish(
      Array.from({ length: 200 }, (_, i) =>
        makeArticle({ id: `d-${i}`, published: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }),
      ),
    );
    const rounds = await countRounds();
    const statuses = await clients(50, 4, (c, n) => apiDelete(`d-${c * 4 + n}`));
    expect(statuses).toEqual(Array(200).fill(204));
    expect(rounds.count).toBeLessThanOrEqual(6);
    expect((await feedIndex()).items).toEqual([]);
  });

  it("a mix of PUTs, DELETEs and batches shares rounds, and ends as the requests said", async () => {
    await publish(
      Array.from({ length: 50 }, (_, i) =>
        makeArticle({ id: `old-${i}`, published: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString() }),
      ),
    );
    const rounds = await countRounds();
    const statuses = await clients(30, 3, (c, n) => {
      if (c % 3 === 0) return apiPut(`m-${c}-${n}`, story(c, n));
      if (c % 3 === 1) return apiDelete(`old-${Math.floor(c / 3) * 3 + n}`);
      return apiBatch([0, 1, 2].map((k) => ({ id: `b-${c}-${n}-${k}`, ...story(c, n * 3 + k) })));
    });
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);
    expect(statuses.filter((s) => s === 204)).toHaveLength(30);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(rounds.count).toBeLessThanOrEqual(5);
    const ids = await allIds();
    expect(ids.size).toBe(30 + 90 + 20);
    expect(ids.has("old-0")).toBe(false);
    expect(ids.has("old-49")).toBe(true);
  });
});

describe("what every round keeps true, under concurrent writers", () => {
  it("no feed document names an article version KV lacks, and no key is written twice within a second", async () => {
    const problems: string[] = [];
    const lastWrite = new Map<string, number>();
    /** The ids each feed document in KV names, as last written. */
    const named = new Map<string, Set<string>>();
    await publisherKv((kv) => {
      const check = async (key: string, value?: string) => {
        const at = Date.now();
        const before = lastWrite.get(key);
        if (before !== undefined && at - before < 1000) problems.push(`${key} written again after ${at - before} ms`);
        lastWrite.set(key, at);
        if (key.startsWith("article:") && (value === undefined || "retracted" in JSON.parse(value))) {
          // A withdrawal (retraction, or rescheduled out of view) comes only once no document names the article.
          const id = key.slice("article:".length);
          for (const [doc, ids] of named) if (ids.has(id)) problems.push(`${key} withdrawn while ${doc} still names it`);
        }
        if (!key.startsWith("feed:")) return;
        if (value === undefined) return void named.delete(key);
        const index = JSON.parse(value) as { items: [string, string, number][] };
        named.set(key, new Set(index.items.map(([id]) => id)));
        for (const [id, etag] of index.items) {
          const stored = await readArticle(kv, id);
          if (!(stored && "article" in stored && articleEtag(stored.article) === etag))
            problems.push(`${key} names ${id} ${etag}, which KV lacks`);
        }
      };
      return new Proxy(kv, {
        get: (target, prop) => {
          if (prop === "put")
            return async (key: string, value: string) => {
              await check(key, value);
              return target.put(key, value);
            };
          if (prop === "delete")
            return async (key: string) => {
              await check(key);
              return target.delete(key);
            };
          return Reflect.get(target, prop);
        },
      });
    });
    // New articles, edits of one article by many writers at once, retractions, and articles
    // moved out to a later time and back, all together.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await clients(20, 5, (c, n) => {
      if (c < 10) return apiPut(`n-${c}-${n}`, story(c, n));
      if (c < 13) return apiPut("contested", articleBody({ title: `Version ${c}.${n}`, contentHtml: `<p>Body ${c}.${n}</p>` }));
      if (c < 16) return apiPut(`s-${c}`, n % 2 ? { ...story(c, 0), published: later } : story(c, 0));
      return n === 0 ? apiPut(`r-${c}`, story(c, 0)) : apiDelete(`r-${c}`);
    });
    expect(problems).toEqual([]);
    // The contested article ends whole: one writer's version everywhere (API, KV, the feed).
    const api = await publisher().get("contested");
    const kv = await env.ARTICLES.get(KEYS.article("contested"), "json");
    expect(kv).toEqual(api?.article);
    expect(api?.article.contentHtml).toBe(`<p>Body ${api?.article.title.slice("Version ".length)}</p>`);
    expect((await feedIndex()).items.find(([id]) => id === "contested")?.[1]).toBe(api?.etag);
  });

  it("keeps every round under KV's 1,000 operations, even when many feeds change at once", async () => {
    // 20 articles with 32 authors and 32 tags each, all their own: 1,281 feeds, all emptied by one retraction wave.
    const own = (n: number, kind: string) => Array.from({ length: 32 }, (_, i) => `${kind} ${n}.${i}`);
    const articles = Array.from({ length: 20 }, (_, n) =>
      makeArticle({ id: `a${n}`, authors: own(n, "author").map((name) => ({ name })), tags: own(n, "tag") }),
    );
    await publish(articles);
    while (await pending()) await runDurableObjectAlarm(publisher());
    let counts: KvCounts = { reads: 0, writes: 0, deletes: 0, lists: 0 };
    await publisherKv((kv) => {
      const counting = countingKv(kv);
      counts = counting.counts;
      return counting.kv;
    });
    const total = () => counts.reads + counts.writes + counts.deletes + counts.lists;
    const rounds: number[] = [];
    await spyRounds(async (round) => {
      const before = total();
      const result = await round();
      rounds.push(total() - before);
      return result;
    });
    await Promise.all(articles.map((a) => publisher().remove(a.id)));
    while (await pending()) await runDurableObjectAlarm(publisher());
    expect(Math.max(...rounds)).toBeLessThanOrEqual(1000);
    // Every emptied feed is gone in the end.
    expect(rounds.reduce((a, b) => a + b, 0)).toBeGreaterThan(1281);
  });
});
