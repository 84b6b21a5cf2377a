/**
 * Publishing under load, through the publisher API of a feedwire under `wrangler dev`
 * (an empty one of its own). Every figure is also given as a ratio to L, the median
 * latency of one sequential PUT on the same instance in the same run: KV's one write per
 * second per key (the feed index) makes L about a second, and it is the physical floor
 * of a write answered once KV holds it.
 */

const CLIENTS = 50;
const PER_CLIENT = 4;
const SEQUENTIAL = 20;

interface Latencies {
  totalMs: number;
  p50: number;
  p99: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

export function publishingBench(origin: string, token: string) {
  const headers = (extra: Record<string, string> = {}) => ({
    Authorization: `Bearer ${token}`,
    "Content-Type": "application/json",
    ...extra,
  });
  let serial = 0;
  const prefix = `pub-${Date.now().toString(36)}`;
  /** A new ~2 KB article in one section, with one author and one tag (as the issue measured). */
  const article = () => {
    const n = serial++;
    return {
      id: `${prefix}-${n}`,
      title: `Wire story ${n}`,
      summary: `Standfirst of story ${n}.`,
      contentHtml: `<p>${"Reporting from the scene, officials said the measure would pass. ".repeat(30)}</p>`,
      authors: [{ name: "Ann Writer" }],
      published: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
      section: "World",
      tags: ["wire"],
    };
  };

  async function send(
    method: string,
    path: string,
    body?: unknown,
    extra?: Record<string, string>,
  ): Promise<{ ms: number; res: Response }> {
    const started = performance.now();
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: headers(extra),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
    return { ms: performance.now() - started, res };
  }
  const put = (a: ReturnType<typeof article>, extra?: Record<string, string>) => send("PUT", `/api/articles/${a.id}`, a, extra);

  /** CLIENTS clients, each sending PER_CLIENT requests one after another. */
  async function clients(request: (client: number, n: number) => Promise<{ ms: number }>): Promise<Latencies> {
    const started = performance.now();
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let n = 0; n < PER_CLIENT; n++) latencies.push((await request(client, n)).ms);
      }),
    );
    latencies.sort((a, b) => a - b);
    return { totalMs: performance.now() - started, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
  }

  /** How long after `since` the article `id` is in the feed at `path` (polled every 20 ms). */
  async function visibleAfter(path: string, id: string, since: number): Promise<number> {
    const item = new RegExp(`:${id}["<]`);
    for (;;) {
      if (item.test(await (await fetch(`${origin}${path}`)).text())) return performance.now() - since;
      if (performance.now() - since > 60_000) throw new Error(`${id} never reached ${path}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  return async function run() {
    for (let i = 0; i < 3; i++) await put(article()); // warm
    const sequential: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) sequential.push((await put(article())).ms);
    const L = median(sequential);

    const created: ReturnType<typeof article>[][] = Array.from({ length: CLIENTS }, () => []);
    const puts = await clients(async (c) => {
      const a = article();
      created[c]?.push(a);
      return put(a);
    });
    const deletes = await clients((c, n) => send("DELETE", `/api/articles/${created[c]?.[n]?.id}`));
    // The mix: a PUT of a new article, a DELETE of one published before, and a batch of five new ones.
    const doomed = Array.from({ length: CLIENTS * PER_CLIENT }, article);
    await send("POST", "/api/batch", { articles: doomed.slice(0, 100) });
    await send("POST", "/api/batch", { articles: doomed.slice(100) });
    const mix = await clients((c, n) => {
      const kind = (c + n) % 3;
      if (kind === 0) return put(article());
      if (kind === 1) return send("DELETE", `/api/articles/${doomed[c * PER_CLIENT + n]?.id}`);
      return send("POST", "/api/batch", { articles: Array.from({ length: 5 }, article) });
    });

    const asyncMs: number[] = [];
    const asyncVisibleMs: number[] = [];
    const syncVisibleMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      const a = article();
      const { ms, res } = await put(a, { Prefer: "respond-async" });
      if (res.status !== 202) throw new Error(`respond-async answered ${res.status}`);
      asyncMs.push(ms);
      asyncVisibleMs.push(await visibleAfter("/feed.json", a.id, performance.now() - ms));
      const b = article();
      await put(b);
      syncVisibleMs.push(await visibleAfter("/feed.xml", b.id, performance.now()));
    }
    const ratio = (x: number) => x / L;
    return {
      L,
      concurrent: Object.fromEntries(
        Object.entries({ puts, deletes, mix }).map(([name, l]) => [
          name,
          { ...l, totalL: ratio(l.totalMs), p50L: ratio(l.p50), p99L: ratio(l.p99) },
        ]),
      ),
      respondAsync: {
        p50: median(asyncMs),
        p50L: ratio(median(asyncMs)),
        visibleP50: median(asyncVisibleMs),
        visibleMaxL: ratio(Math.max(...asyncVisibleMs)),
      },
      syncAckToVisible: { p50: median(syncVisibleMs), max: Math.max(...syncVisibleMs) },
    };
  };
}

export type PublishingFigures = Awaited<ReturnType<ReturnType<typeof publishingBench>>>;
