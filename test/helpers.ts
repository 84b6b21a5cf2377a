import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import seedText from "../content/articles/maduro-considering-asylum.md?raw";
import { type Article, type ArticleInput, ArticleSchema } from "../src/article";
import { parseArticleFile } from "../src/content";
import type { RoundResult } from "../src/flush";
import app from "../src/index";
import { settingsFrom } from "../src/settings";
import { type FeedIndex, KEYS, MAIN_SCOPE, readFeedIndex, rememberFeedIndexes } from "../src/store";

export const SETTINGS = settingsFrom(env);

/** A valid article; tests override only what they are about. */
export function makeArticle(overrides: Partial<ArticleInput> = {}): Article {
  return ArticleSchema.parse({
    id: "sample-article",
    title: "A sample article",
    summary: "What happened, in one sentence.",
    contentHtml: "<p>The body of the article.</p>",
    authors: [{ name: "Ann Writer" }],
    published: "2026-03-01T09:00:00+01:00",
    ...overrides,
  });
}

/** `count` articles one hour apart, the last one newest. */
export function manyArticles(count: number, prefix = "item"): Article[] {
  const start = Date.UTC(2020, 0, 1);
  return Array.from({ length: count }, (_, n) =>
    makeArticle({
      id: `${prefix}-${n}`,
      title: `Item ${n}`,
      published: new Date(start + n * 3_600_000).toISOString(),
    }),
  );
}

/** The first article of the publication, loaded from content/ the way `npm start` loads it. */
export const seedArticle = (): Article =>
  parseArticleFile({ path: "content/articles/maduro-considering-asylum.md", text: seedText }, SETTINGS.siteUrl);

export interface KvCounts {
  reads: number;
  writes: number;
  lists: number;
  deletes: number;
}

/** The real KV binding, with every operation counted (a bulk get counts as one, as on Cloudflare). */
export function countingKv(kv: KVNamespace): { kv: KVNamespace; counts: KvCounts } {
  const counts: KvCounts = { reads: 0, writes: 0, lists: 0, deletes: 0 };
  const kinds: Record<string, keyof KvCounts> = { get: "reads", getWithMetadata: "reads", put: "writes", list: "lists", delete: "deletes" };
  const counted = new Proxy(kv, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      const kind = kinds[String(prop)];
      if (!kind || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counts[kind]++;
        return value.apply(target, args);
      };
    },
  });
  return { kv: counted, counts };
}

/** The Publisher Durable Object: the one write path, as the API uses it. */
export const publisher = () => env.PUBLISHER.get(env.PUBLISHER.idFromName("main"));

/** The Publisher's KV round writer, as the tests reach into it (its KV binding, its round). */
interface FlusherInside {
  env: Env;
  round: () => Promise<RoundResult>;
}
const flusherOf = (instance: unknown) => (instance as { rounds: { flusher: FlusherInside } }).rounds.flusher;

/** Makes the Publisher write to KV through `wrap(kv)` from now on (a counting or failing KV). */
export const publisherKv = (wrap: (kv: KVNamespace) => KVNamespace) =>
  runInDurableObject(publisher(), (instance: unknown) => {
    const flusher = flusherOf(instance);
    flusher.env = { ...flusher.env, ARTICLES: wrap(flusher.env.ARTICLES) };
  });

/** `kv`, with every put refused while `refuse(key)` says so: KV failing. */
export function refusingPuts(kv: KVNamespace, refuse: (key: string) => boolean): KVNamespace {
  const put = kv.put.bind(kv);
  return new Proxy(kv, {
    get: (target, prop) =>
      prop === "put"
        ? (key: string, ...rest: [string]) => (refuse(key) ? Promise.reject(new Error("KV refuses")) : put(key, ...rest))
        : Reflect.get(target, prop),
  });
}

/** Calls `spy` around every KV round the Publisher runs from now on. */
export const spyRounds = (spy: (round: () => Promise<RoundResult>) => Promise<RoundResult>) =>
  runInDurableObject(publisher(), (instance: unknown) => {
    const flusher = flusherOf(instance);
    const round = flusher.round.bind(flusher);
    flusher.round = () => spy(round);
  });

/** Stores articles through the Publisher (as a batch: all or nothing), in chunks of one flush round (300). */
export async function publish(articles: Article[]): Promise<void> {
  for (let i = 0; i < articles.length; i += 300) {
    const written = await publisher().put(articles.slice(i, i + 300).map((article) => ({ article, explicitUpdated: true })));
    rememberFeedIndexes(env.ARTICLES, written.indexes); // as the API does after a write
  }
}

/** Retracts an article through the Publisher, as the API's DELETE does. */
export async function retract(id: string): Promise<void> {
  const written = await publisher().remove(id);
  rememberFeedIndexes(env.ARTICLES, written.indexes);
}

/** Sends a request through the worker (optionally with other bindings) and waits for its after-response work. */
export async function request(path: string, init?: RequestInit, bindings: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.request(path, init, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export const AUTH = { Authorization: "Bearer test-token" };
export const JSON_TYPE = { "Content-Type": "application/json" };

/** An article as a publisher sends it to the API. */
export const articleBody = (overrides: Record<string, unknown> = {}) => ({
  title: "Council approves harbour plan",
  summary: "The vote was 7 to 2.",
  contentHtml: "<p>The council voted on Tuesday.</p>",
  authors: [{ name: "Ann Writer" }],
  published: "2026-03-01T09:00:00+01:00",
  ...overrides,
});

export const apiPut = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
  request(`/api/articles/${id}`, { method: "PUT", headers: { ...AUTH, ...JSON_TYPE, ...headers }, body: JSON.stringify(payload) });

export const apiDelete = (id: string, headers: Record<string, string> = {}) =>
  request(`/api/articles/${id}`, { method: "DELETE", headers: { ...AUTH, ...headers } });

export const apiBatch = (articles: unknown[], headers: Record<string, string> = {}) =>
  request("/api/batch", { method: "POST", headers: { ...AUTH, ...JSON_TYPE, ...headers }, body: JSON.stringify({ articles }) });

export const MAIN_KEY = KEYS.feed(MAIN_SCOPE);

/** A feed document's index as KV holds it now (read afresh); the main feed's by default. */
export async function feedIndex(key = MAIN_KEY): Promise<FeedIndex> {
  const index = await readFeedIndex(env.ARTICLES, key, 0);
  if (!index) throw new Error(`no ${key} in KV`);
  return index;
}
