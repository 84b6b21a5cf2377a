/**
 * A poll's own CPU inside workerd: the worker's whole answer to a hot 200 and a 304 of
 * /feed.xml (routing, negotiation, polite polling, statistics, the kept bytes), against
 * the floor, a Response of the same bytes and headers from memory (what bench/reference.ts
 * does). Over HTTP under `wrangler dev` these microseconds drown in the proxies' milliseconds
 * and the machine's noise; here they stand alone. `npm run bench` reads the POLLCPU line.
 *
 * workerd's clocks stand still while JavaScript runs and move on I/O, so each sample
 * times a batch of polls between two timer waits.
 */
import { createExecutionContext, env } from "cloudflare:test";
import { expect, it } from "vitest";
import app from "../src/index";
import { manyArticles, publish } from "../test/helpers";

const READER = { "User-Agent": "NetNewsWire (RSS Reader; https://netnewswire.com/)" };
const BATCH = 1000;
const SAMPLES = 21;

/**
 * Median µs per call of each poll, from SAMPLES batches of BATCH calls after a warm-up.
 * The polls take turns batch by batch, so a change in the machine's load falls on all alike.
 */
async function medianUs<K extends string>(polls: Record<K, () => Promise<unknown>>): Promise<Record<K, number>> {
  const entries = Object.entries(polls) as [K, () => Promise<unknown>][];
  for (const [, poll] of entries) for (let i = 0; i < BATCH; i++) await poll();
  const samples = new Map<K, number[]>(entries.map(([name]) => [name, []]));
  for (let s = 0; s < SAMPLES; s++) {
    for (const [name, poll] of entries) {
      await scheduler.wait(1);
      const start = Date.now();
      for (let i = 0; i < BATCH; i++) await poll();
      await scheduler.wait(0);
      samples.get(name)?.push(((Date.now() - start) * 1000) / BATCH);
    }
  }
  return Object.fromEntries(entries.map(([name]) => [name, samples.get(name)?.sort((a, b) => a - b)[SAMPLES >> 1]])) as Record<K, number>;
}

it("times a poll's CPU in workerd", { timeout: 600_000 }, async () => {
  await publish(manyArticles(60));
  const ctx = createExecutionContext();
  const get = (headers: Record<string, string>, bindings: Env = env) =>
    app.fetch(new Request("http://localhost/feed.xml", { headers: { ...READER, ...headers } }), bindings, ctx);
  const first = await get({});
  const body = await first.arrayBuffer();
  const etag = first.headers.get("ETag") ?? "";
  expect([first.status, (await get({ "If-None-Match": etag })).status]).toEqual([200, 304]);
  const statsOff = { ...env, STATS: "off" } as Env;
  const result = await medianUs({
    "hot 200": async () => (await get({})).arrayBuffer(),
    "hot 200, statistics off": async () => (await get({}, statsOff)).arrayBuffer(),
    "floor 200": async () => {
      new URL(new Request("http://localhost/feed.xml", { headers: READER }).url);
      return new Response(body, { headers: first.headers }).arrayBuffer();
    },
    "304": async () => get({ "If-None-Match": etag }),
    "floor 304": async () => {
      new URL(new Request("http://localhost/feed.xml", { headers: { ...READER, "If-None-Match": etag } }).url);
      return new Response(null, { status: 304, headers: first.headers });
    },
  });
  console.log(`POLLCPU ${JSON.stringify(result)}`);
});
