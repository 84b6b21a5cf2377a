/**
 * A poll's own CPU inside workerd: the worker's whole answer to a hot 200 and a 304 of
 * /feed.xml (routing, negotiation, polite polling, statistics, the kept bytes), against
 * the floor, a Response of the same bytes and headers from memory (what bench/reference.ts
 * does). Over HTTP under `wrangler dev` these microseconds drown in the proxies' milliseconds
 * and the machine's noise; here they stand alone. `npm run bench` reads the POLLCPU line.
 *
 * It leaves out one cost: a request made here carries no Cloudflare metadata for
 * `request.cf` to parse, as one that came over HTTP does (src/http/representation.ts,
 * `codingFor`); the HTTP rounds include it.
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

/** A kind of poll, and the status every one of them must get (say, not a 429: then it timed something else). */
type Poll = { run: () => Response | Promise<Response>; status: number };

/**
 * Median µs per call of each poll, from SAMPLES batches of BATCH calls after a warm-up. The
 * polls take turns batch by batch, starting one further along each time, so a change in the
 * machine's load, or the garbage one batch leaves to the next, falls on all alike.
 */
async function medianUs<K extends string>(polls: Record<K, Poll>): Promise<Record<K, number>> {
  const entries = Object.entries(polls) as [K, Poll][];
  const statuses = new Map<string, number>();
  const call = async (name: K, poll: Poll) => {
    const res = await poll.run();
    await res.arrayBuffer();
    if (res.status !== poll.status) statuses.set(`${name}: ${res.status}`, (statuses.get(`${name}: ${res.status}`) ?? 0) + 1);
  };
  for (const [name, poll] of entries) for (let i = 0; i < BATCH; i++) await call(name, poll);
  const samples = new Map<K, number[]>(entries.map(([name]) => [name, []]));
  for (let s = 0; s < SAMPLES; s++) {
    for (let k = 0; k < entries.length; k++) {
      const [name, poll] = entries[(s + k) % entries.length] as [K, Poll];
      await scheduler.wait(1);
      const start = Date.now();
      for (let i = 0; i < BATCH; i++) await call(name, poll);
      await scheduler.wait(0);
      samples.get(name)?.push(((Date.now() - start) * 1000) / BATCH);
    }
  }
  expect(Object.fromEntries(statuses)).toEqual({});
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
  const statsOff = { ...env, STATS: "off" } as Env;
  const floor = (headers: Record<string, string>, status: number) => async () => {
    new URL(new Request("http://localhost/feed.xml", { headers: { ...READER, ...headers } }).url);
    return new Response(status === 304 ? null : body, { status, headers: first.headers });
  };
  const result = await medianUs({
    "hot 200": { run: () => get({}), status: 200 },
    "hot 200, statistics off": { run: () => get({}, statsOff), status: 200 },
    "floor 200": { run: floor({}, 200), status: 200 },
    "304": { run: () => get({ "If-None-Match": etag }), status: 304 },
    "floor 304": { run: floor({ "If-None-Match": etag }, 304), status: 304 },
  });
  console.log(`POLLCPU ${JSON.stringify(result)}`);
});
