import { env, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoundResult } from "../src/flush";
import { prefers } from "../src/http/prefer";
import { KEYS, readArticle } from "../src/store";
import {
  AUTH,
  apiBatch,
  apiDelete,
  apiPut,
  articleBody,
  feedIndex,
  makeArticle,
  publish,
  publisher,
  publisherKv,
  refusingPuts,
  request,
  spyRounds,
} from "./helpers";
import { fetchFeed } from "./parse";

const ASYNC = { Prefer: "respond-async" };

interface AsyncBody {
  article?: { id: string; title: string };
  status: string;
  warnings?: unknown[];
  results?: { id: string; status: string }[];
  expectedInFeedsAt: string;
}

/** Holds every Publisher round until `release()`: what a slow KV looks like from outside. */
async function holdRounds(): Promise<{ release: () => void }> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  await spyRounds(async (round): Promise<RoundResult> => {
    await gate;
    return round();
  });
  return { release };
}

/** Runs the Publisher's alarm until nothing is left to write. */
async function drain(): Promise<void> {
  for (let i = 0; i < 10 && (await backlog()).articles + Number((await backlog()).documents) > 0; i++) {
    await runDurableObjectAlarm(publisher());
  }
}

const backlog = async () =>
  (await request("/api/backlog", { headers: AUTH })).json<{ articles: number; documents: boolean; expectedInFeedsAt: string | null }>();

describe("Prefer: respond-async", () => {
  it("a PUT is answered 202 once committed, before KV holds it, with what the synchronous answer carries", async () => {
    const { release } = await holdRounds();
    const res = await apiPut("early", articleBody({ title: "Early news", contentHtml: '<p onclick="x()">Body</p>' }), ASYNC);
    expect(res.status).toBe(202);
    expect(res.headers.get("Preference-Applied")).toBe("respond-async");
    expect(res.headers.get("ETag")).toMatch(/^"[\w-]+"$/);
    const body = await res.json<AsyncBody>();
    expect(body.article).toMatchObject({ id: "early", title: "Early news" });
    expect(body.status).toBe("created");
    expect(body.warnings).toEqual([expect.objectContaining({ field: "contentHtml" })]);
    expect(Date.parse(body.expectedInFeedsAt)).toBeGreaterThanOrEqual(Date.now() - 1000);
    // Committed: the API has it; KV does not yet.
    expect((await publisher().get("early"))?.article.title).toBe("Early news");
    expect(await env.ARTICLES.get(KEYS.article("early"))).toBeNull();
    expect(await backlog()).toMatchObject({ articles: 1, documents: true });
    release();
    await drain();
    expect(await backlog()).toEqual({ articles: 0, documents: false, expectedInFeedsAt: null });
    const feed = await fetchFeed("/feed.json");
    expect(feed.feed.items.map((i: { title: string }) => i.title)).toEqual(["Early news"]);
  });

  it("the alarm carries a 202'd change to KV by itself, with no request waiting", async () => {
    const res = await apiPut("self-carried", articleBody(), ASYNC);
    expect(res.status).toBe(202);
    for (let waited = 0; !(await env.ARTICLES.get(KEYS.feed("main"))) && waited < 5000; waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    expect((await feedIndex()).items.map(([id]) => id)).toEqual(["self-carried"]);
  });

  it("a 202'd change survives a Publisher restart and reaches KV", async () => {
    await holdRounds(); // never released: the instance holding it is evicted
    const res = await apiPut("survivor", articleBody({ title: "Survives" }), ASYNC);
    expect(res.status).toBe(202);
    await evictDurableObject(publisher());
    expect(await env.ARTICLES.get(KEYS.article("survivor"))).toBeNull();
    await drain();
    expect(await readArticle(env.ARTICLES, "survivor")).toMatchObject({ article: { title: "Survives" } });
    expect((await feedIndex()).items.map(([id]) => id)).toEqual(["survivor"]);
  });

  it("DELETE and batch answer 202 too, and their changes reach the feeds", async () => {
    await publish([makeArticle({ id: "old" })]);
    const { release } = await holdRounds();
    const removed = await apiDelete("old", ASYNC);
    expect(removed.status).toBe(202);
    expect(removed.headers.get("Preference-Applied")).toBe("respond-async");
    expect(await removed.json<AsyncBody>()).toMatchObject({ status: "retracted" });
    const batch = await apiBatch(
      [
        { id: "b1", ...articleBody() },
        { id: "b2", ...articleBody({ title: "Second" }) },
      ],
      ASYNC,
    );
    expect(batch.status).toBe(202);
    const body = await batch.json<AsyncBody>();
    expect(body.results?.map((r) => [r.id, r.status])).toEqual([
      ["b1", "created"],
      ["b2", "created"],
    ]);
    expect(body.expectedInFeedsAt).toEqual(expect.any(String));
    release();
    await drain();
    expect((await feedIndex()).items.map(([id]) => id).sort()).toEqual(["b1", "b2"]);
    expect(await readArticle(env.ARTICLES, "old")).toMatchObject({ retracted: expect.any(String) });
  });

  it("errors are answered as without the preference: nothing is accepted that would be refused", async () => {
    const res = await apiPut("bad", { title: "" }, ASYNC);
    expect(res.status).toBe(400);
    expect(res.headers.get("Preference-Applied")).toBeNull();
    expect(await backlog()).toMatchObject({ articles: 0, documents: false });
  });
});

describe("without the preference", () => {
  it("a write is answered once KV holds it", async () => {
    const res = await apiPut("waited", articleBody());
    expect(res.status).toBe(201);
    expect(res.headers.get("Preference-Applied")).toBeNull();
    expect(await readArticle(env.ARTICLES, "waited")).toMatchObject({ article: { id: "waited" } });
    expect((await feedIndex()).items.map(([id]) => id)).toEqual(["waited"]);
  });

  it("a write whose KV round fails is answered 202 (committed, retried by the alarm), not 201 or 500", async () => {
    let failing = true;
    await publisherKv((kv) => refusingPuts(kv, () => failing));
    const res = await apiPut("retried", articleBody());
    expect(res.status).toBe(202);
    expect(res.headers.get("Preference-Applied")).toBeNull();
    expect(await res.json<AsyncBody>()).toMatchObject({ status: "created", expectedInFeedsAt: expect.any(String) });
    failing = false;
    await drain();
    expect((await feedIndex()).items.map(([id]) => id)).toEqual(["retried"]);
  });

  it("the backlog needs the token", async () => {
    expect((await request("/api/backlog")).status).toBe(401);
  });
});

describe("the Prefer header (RFC 7240)", () => {
  it("is described in the OpenAPI document, with the 202 of every write", async () => {
    type Operation = { parameters?: { name: string }[]; responses: Record<string, unknown> };
    const { paths } = await (await request("/api/openapi.json")).json<{ paths: Record<string, Record<string, Operation>> }>();
    for (const op of [paths["/articles/{id}"]?.put, paths["/articles/{id}"]?.delete, paths["/batch"]?.post]) {
      expect(op?.parameters?.map((p) => p.name)).toContain("Prefer");
      expect(op?.responses).toHaveProperty("202");
    }
  });

  it.each([
    ["respond-async", true],
    ["RESPOND-ASYNC", true],
    ["return=minimal, respond-async, wait=10", true],
    ["respond-async; foo=bar", true],
    ["wait=10", false],
    ["respond-asynchronously", false],
    ["return=respond-async", false],
  ])("%s asks for respond-async: %s", (header, expected) => {
    expect(prefers(header, "respond-async")).toBe(expected);
  });
});
