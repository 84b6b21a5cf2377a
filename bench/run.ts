/**
 * `npm run bench`: everything on 127.0.0.1, in one run, so figures are ratios to a
 * reference measured beside them on the same (shared, noisy) machine.
 *   1. feedwire under `wrangler dev`, 10,000 generated articles (~1 KB of HTML each) imported
 *      by `npm run push`'s code (articles/s), and the reference worker (bench/reference.ts:
 *      the same bytes from memory);
 *   2. wrk at c=1, 16, 64 on a hot 200, a 304 and a miss (RESPONSE_CACHE=off),
 *      feedwire and reference interleaved, as requests/s and p50/p99, each ratio the median
 *      of many short rounds with a confidence interval;
 *   3. render CPU inside workerd (bench/render.ts);
 *   4. KV operations per request with 10, 10,000 and 100,000 articles (bench/kv-cost.test.ts),
 *      and a poll's own CPU in workerd against the floor (bench/poll-cpu.test.ts);
 *   5. the bundle, raw and gzipped (`wrangler deploy --dry-run`);
 *   6. publishing under load on an empty feedwire of its own (bench/publishing.ts).
 * The measured feedwire counts subscriber statistics (STATS=on), and wrk polls as a feed
 * reader, so every poll goes through the accounting; the polls it counted are reported.
 * Writes bench/results.json and prints a summary.
 */
import { execFileSync } from "node:child_process";
import { openSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { gzipSync } from "node:zlib";
import { rawGet, startWranglerDev, type WranglerDev } from "../scripts/serving";
import { push } from "../scripts/sync";
import { type PublishingFigures, publishingBench } from "./publishing";

const STATE = ".wrangler/bench-state";
const PORTS = { publishing: 8800, feedwire: 8801, reference: 8802, render: 8803 };
const TOKEN = "bench-token";
const ORIGIN = `http://127.0.0.1:${PORTS.feedwire}`;
/**
 * Many short rounds rather than a few long ones: on this shared machine one round's ratio
 * ranges from 0.7 to 1.2 even between two copies of the reference, and short rounds keep
 * each pair's two runs close in time: 21 rounds of 1 s give the median four times the pairs
 * five of 3 s gave, in 1.4 times the time.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
/** Before each scenario and concurrency, per server: JIT and connection pools warm. */
const WARM_UP_SECONDS = 2;
/** After seeding and the restart, for the machine to settle before anything is timed. */
const SETTLE_MS = 10_000;
const CONCURRENCY = [1, 16, 64];
/** What feedwire's statistics are measured with: on, with their default interval. */
const STATS = { STATS: "on", STATS_FLUSH_SECONDS: "60" };
/** wrk polls as an individual reader, the statistics' costliest kind of poll (a distinct client each day). */
const READER = "User-Agent: NetNewsWire (RSS Reader; https://netnewswire.com/)";

function startWorker(args: string[], port: number, vars: Record<string, string> = {}): Promise<WranglerDev> {
  const log = openSync(`${STATE}/wrangler-${port}.log`, "a");
  return startWranglerDev(port, { args, vars, log, readyPath: "/__ready" });
}

const feedwire = (cache: "on" | "off") =>
  startWorker(["-c", "wrangler.toml", "--persist-to", STATE], PORTS.feedwire, {
    PUBLISH_TOKEN: TOKEN,
    SITE_URL: ORIGIN,
    RESPONSE_CACHE: cache,
    ...STATS,
  });

/**
 * 10,000 articles with ~1 KB of HTML each, as content files imported by `npm run push`'s
 * code (batches sent respond-async, several at once, then the backlog awaited).
 */
async function seed(count: number): Promise<{ articles: number; seconds: number; perSecond: number }> {
  const paragraph = (n: number, p: number) =>
    `<p>Paragraph ${p} of report ${n}: officials said on Tuesday that the “measure” would <a href="https://example.com/r?a=${n}&amp;b=${p}">take effect</a> &amp; cost <em>€2.4bn</em>.</p>`;
  const files = Array.from({ length: count }, (_, n) => ({
    path: `content/bench/bench-${n}.html`,
    text: [
      "---",
      `title: "Bench article ${n}: council & unions agree “final” deal"`,
      `summary: "Standfirst ${n}."`,
      'authors: [{ name: "Ann Writer" }, { name: "Bo Reporter" }]',
      `published: "${new Date(Date.UTC(2020, 0, 1) + n * 3_600_000).toISOString()}"`,
      'section: "World"',
      `tags: ["bench", "tag-${n % 7}"]`,
      "---",
      ...Array.from({ length: 6 }, (_, p) => paragraph(n, p)),
    ].join("\n"),
  }));
  const started = performance.now();
  const report = await push({ fetch, url: ORIGIN, token: TOKEN }, files, ORIGIN);
  const seconds = (performance.now() - started) / 1000;
  if (report.created.length !== count)
    throw new Error(`seeding created ${report.created.length} of ${count}: ${JSON.stringify(report.failed[0])}`);
  return { articles: count, seconds, perSecond: count / seconds };
}

interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  /** Responses that were not 2xx or 3xx (wrangler-<port>.log under the state folder says why). */
  errors: number;
}

const MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };
function wrk(url: string, connections: number, headers: string[] = [], seconds = SECONDS): WrkResult {
  const out = execFileSync("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", ...headers.flatMap((h) => ["-H", h]), url], {
    encoding: "utf8",
  });
  const latency = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? Number(m[1]) * (MS[m[2] ?? "ms"] ?? 1) : Number.NaN;
  };
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), p50: latency("50"), p99: latency("99"), errors };
}

type Row = {
  scenario: string;
  c: number;
  feedwire: WrkResult;
  reference: WrkResult;
  ratios: number[];
  /** A distribution-free confidence interval of the median ratio, and its coverage. */
  interval: { low: number; high: number; coverage: number };
};

/**
 * The interval between the r-th smallest and r-th largest of n sorted values covers the
 * median with probability 1 − 2·P(B < r), B ~ Binomial(n, ½): the largest r with at
 * least 95 % (r = 6 of 21 gives 97 %), or the whole range when n is too small for that.
 */
function medianInterval(sorted: number[]): Row["interval"] {
  const n = sorted.length;
  let r = 1;
  let below = 0.5 ** n; // P(B < r)
  let term = n * 0.5 ** n; // P(B = r)
  while (r + 1 <= n / 2 && 1 - 2 * (below + term) >= 0.95) {
    below += term;
    term = (term * (n - r)) / (r + 1);
    r++;
  }
  return { low: sorted[r - 1] as number, high: sorted[n - r] as number, coverage: 1 - 2 * below };
}

/** wrk's `-H` lines as fields; a value may hold a colon itself (a User-Agent's URL): split at the first. */
const fieldsOf = (headers: string[]) =>
  Object.fromEntries(headers.map((h) => [h.slice(0, h.indexOf(":")), h.slice(h.indexOf(":") + 1).trim()]));

/**
 * Both servers must give wrk's very request (no Accept-Encoding, as wrk sends none) the
 * status the scenario names, and the same ETag and bytes, before either is timed: a server
 * that answered something else (a 200 where a 304 is meant) would make every ratio a lie.
 */
async function sameAnswers(urls: Record<"feedwire" | "reference", string>, headers: string[], status: number) {
  const [a, b] = await Promise.all([urls.feedwire, urls.reference].map((url) => rawGet(url, fieldsOf(headers))));
  if (!a || !b || a.status !== status || b.status !== status || a.headers.etag !== b.headers.etag || !a.body.equals(b.body))
    throw new Error(
      `feedwire and the reference must both answer ${status}: ${a?.status} ${a?.headers.etag} ${a?.body.length} B against ${b?.status} ${b?.headers.etag} ${b?.body.length} B`,
    );
}

/**
 * ROUNDS pairs of runs, feedwire and the reference back to back, the order swapped each
 * round so a drift in the machine's load falls on both alike; the pair with the median
 * ratio is reported, with every ratio beside it.
 */
async function compare(scenario: string, status: number, path: string, headers: string[] = []): Promise<Row[]> {
  const urls = { feedwire: `${ORIGIN}${path}`, reference: `http://127.0.0.1:${PORTS.reference}${path}` };
  await sameAnswers(urls, headers, status);
  return CONCURRENCY.map((c) => {
    for (const url of Object.values(urls)) wrk(url, c, headers, WARM_UP_SECONDS);
    const pairs = Array.from({ length: ROUNDS }, (_, round) => {
      const order = round % 2 === 0 ? (["feedwire", "reference"] as const) : (["reference", "feedwire"] as const);
      const runs = Object.fromEntries(order.map((who) => [who, wrk(urls[who], c, headers)])) as Record<keyof typeof urls, WrkResult>;
      return { ...runs, ratio: runs.feedwire.rps / runs.reference.rps };
    }).sort((a, b) => a.ratio - b.ratio);
    const median = pairs[Math.floor(ROUNDS / 2)] as (typeof pairs)[number];
    const ratios = pairs.map((p) => p.ratio);
    return { scenario, c, feedwire: median.feedwire, reference: median.reference, ratios, interval: medianInterval(ratios) };
  });
}

/** Today's polls of /feed.xml as feedwire's statistics counted them: proof they were on while it was measured. */
async function countedPolls(): Promise<{ polls: number; readers: number }> {
  const res = await fetch(`${ORIGIN}/api/stats?days=1&feed=/feed.xml`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const { days } = (await res.json()) as { days: { feeds: { polls: number; subscribers: number }[] }[] };
  const feed = days[0]?.feeds[0];
  return { polls: feed?.polls ?? 0, readers: feed?.subscribers ?? 0 };
}

async function renderFigures(): Promise<Record<string, number>> {
  const worker = await startWorker(["-c", "bench/render.toml"], PORTS.render);
  try {
    return await (await fetch(`http://127.0.0.1:${PORTS.render}/`)).json();
  } finally {
    await worker.stop();
  }
}

/** The in-workerd figures (bench/vitest.config.ts): KV operations per request and a poll's CPU. */
function workerdFigures(): { kv: Record<string, Record<string, number>>; pollCpu: Record<string, number> } {
  const out = execFileSync("vitest", ["run", "--config", "bench/vitest.config.ts"], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const figure = (tag: string) => {
    const line = out.split("\n").find((l) => l.startsWith(`${tag} `));
    if (!line) throw new Error(`no ${tag} line in:\n${out}`);
    return JSON.parse(line.slice(tag.length + 1));
  };
  return { kv: figure("KVCOST"), pollCpu: figure("POLLCPU") };
}

async function bundle() {
  await rm(`${STATE}/dist`, { recursive: true, force: true });
  execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", `${STATE}/dist`], { stdio: "ignore" });
  const code = await readFile(`${STATE}/dist/index.js`);
  return { rawKiB: code.length / 1024, gzipKiB: gzipSync(code, { level: 9 }).length / 1024 };
}

const fixed = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");

await rm(STATE, { recursive: true, force: true });
await mkdir(STATE, { recursive: true });
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`,
  seconds: SECONDS,
};
/** feedwire on the seeded state, then the reference beside it, copying from this feedwire. */
async function startPair(cache: "on" | "off"): Promise<WranglerDev> {
  const server = await feedwire(cache);
  const reference = await startWorker(["-c", "bench/reference.toml"], PORTS.reference, { ORIGIN }).catch(async (e) => {
    await server.stop();
    throw e;
  });
  return {
    origin: server.origin,
    stop: async () => {
      await server.stop();
      await reference.stop();
    },
  };
}

const publishing = await startWorker(["-c", "wrangler.toml", "--persist-to", `${STATE}/publishing`], PORTS.publishing, {
  PUBLISH_TOKEN: TOKEN,
  SITE_URL: `http://127.0.0.1:${PORTS.publishing}`,
});
try {
  results.publishing = await publishingBench(publishing.origin, TOKEN)();
} finally {
  await publishing.stop();
}
const seeding = await feedwire("on");
try {
  results.import = await seed(10_000);
} finally {
  await seeding.stop();
}
// Served by fresh processes on the seeded state: what is measured is serving, not the
// aftermath of 10,000 articles imported through Wrangler's dev proxy.
let pair = await startPair("on");
const rows: Row[] = [];
try {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  // The ETag of the coding wrk's request gets (identity): each coding has its own.
  const first = await rawGet(`${ORIGIN}/feed.xml`, fieldsOf([READER]));
  const etag = first.headers.etag ?? "";
  // The current document holds from ITEMS_PER_FEED to twice that (README, archives).
  results.itemsInFeed = first.body.toString().split("<item>").length - 1;
  rows.push(...(await compare("hot 200", 200, "/feed.xml", [READER])));
  rows.push(...(await compare("304", 304, "/feed.xml", [READER, `If-None-Match: ${etag}`])));
  results.stats = { ...STATS, userAgent: READER, counted: await countedPolls() };
  // The settings are part of every ETag, so the reference copies afresh too.
  await pair.stop();
  pair = await startPair("off");
  rows.push(...(await compare("miss (cache off)", 200, "/feed.xml")));
} finally {
  await pair.stop();
}
results.http = rows;
results.render = await renderFigures();
Object.assign(results, workerdFigures());
results.bundle = await bundle();
await writeFile("bench/results.json", `${JSON.stringify(results, null, 2)}\n`);

const lines = [
  `feedwire benchmark, ${results.date}, ${results.machine}, wrk -t1, ${ROUNDS} rounds of ${SECONDS} s each, 10,000 articles, ${results.itemsInFeed} in /feed.xml`,
  "ratio: the median of the rounds' ratios, [a distribution-free confidence interval of it], then every round's",
  `statistics on (STATS_FLUSH_SECONDS=${STATS.STATS_FLUSH_SECONDS}); hot 200 and 304 polled as "${READER.slice(12)}": ${(results.stats as { counted: { polls: number } }).counted.polls.toLocaleString("en")} polls counted`,
  "",
];
lines.push(
  "scenario           c   feedwire req/s  reference req/s  ratio [interval]   p50 ms (fw/ref)  p99 ms (fw/ref)  errors  all rounds",
);
for (const r of rows) {
  const ratio = `${fixed(r.feedwire.rps / r.reference.rps)} [${fixed(r.interval.low)} ${fixed(r.interval.high)}]`;
  lines.push(
    `${r.scenario.padEnd(17)} ${String(r.c).padStart(3)}  ${fixed(r.feedwire.rps, 0).padStart(14)}  ${fixed(r.reference.rps, 0).padStart(15)}  ${ratio.padEnd(17)}  ${`${fixed(r.feedwire.p50)}/${fixed(r.reference.p50)}`.padStart(15)}  ${`${fixed(r.feedwire.p99)}/${fixed(r.reference.p99)}`.padStart(15)}  ${String(r.feedwire.errors + r.reference.errors).padStart(6)}  ${r.ratios.map((x) => fixed(x)).join(" ")}`,
  );
}
const coverage = rows[0]?.interval.coverage ?? Number.NaN;
lines.push(`(intervals cover the median ratio with ${fixed(coverage * 100, 1)} % confidence)`);
const render = results.render as Record<string, number>;
const ms = (key: string) => fixed(render[key] ?? Number.NaN, 3);
lines.push("", "render CPU to bytes in workerd, median ms, 50 / 500 items");
lines.push("  format   whole render       items kept         one new item       feed package");
for (const f of ["rss", "atom", "json"]) {
  const cell = (suffix: string) => `${ms(`${f} 50${suffix}`)} / ${ms(`${f} 500${suffix}`)}`.padEnd(19);
  lines.push(
    `  ${f.padEnd(8)} ${cell("")}${cell(" kept")}${cell(" one new")}${ms(`feed package ${f} 50`)} / ${ms(`feed package ${f} 500`)}`,
  );
}
lines.push(
  "",
  `ingest of a 20 KB article in workerd, median ms: ${ms("ingest 20KB")} as written, ${ms("ingest 20KB sanitised")} already sanitised`,
);
lines.push("", "KV operations per /feed.xml request (reads; no list, no write)");
for (const [size, c] of Object.entries(results.kv as Record<string, Record<string, number>>)) {
  lines.push(`  ${Number(size).toLocaleString("en").padStart(7)} articles: miss ${c.miss}, hot ${c.hot}, 304 ${c.notModified}`);
}
const cpu = results.pollCpu as Record<string, number>;
lines.push(
  "",
  "a poll's CPU in workerd, median µs (the floor: a Response of the same bytes from memory, as the reference does)",
  `  hot 200: ${fixed(cpu["hot 200"] ?? Number.NaN, 0)} (statistics off: ${fixed(cpu["hot 200, statistics off"] ?? Number.NaN, 0)}), floor ${fixed(cpu["floor 200"] ?? Number.NaN, 0)}; 304: ${fixed(cpu["304"] ?? Number.NaN, 0)}, floor ${fixed(cpu["floor 304"] ?? Number.NaN, 0)}`,
);
const b = results.bundle as { rawKiB: number; gzipKiB: number };
lines.push("", `bundle: ${fixed(b.rawKiB, 1)} KiB raw, ${fixed(b.gzipKiB, 1)} KiB gzipped`);
const pub = results.publishing as PublishingFigures;
const imported = results.import as { seconds: number; perSecond: number };
lines.push("", `publishing (L = median sequential PUT = ${fixed(pub.L, 0)} ms; KV allows one write a second to the feed index)`);
lines.push("  200 requests, 50 clients   total ms (·L)       p50 ms (·L)        p99 ms (·L)");
for (const [name, c] of Object.entries(pub.concurrent)) {
  const cell = (ms: number, l: number) => `${fixed(ms, 0)} (${fixed(l)})`.padEnd(19);
  lines.push(`  ${name.padEnd(25)} ${cell(c.totalMs, c.totalL)}${cell(c.p50, c.p50L)}${cell(c.p99, c.p99L)}`);
}
lines.push(
  `  respond-async: p50 ${fixed(pub.respondAsync.p50, 1)} ms (${fixed(pub.respondAsync.p50L, 3)}·L); in /feed.json p50 ${fixed(pub.respondAsync.visibleP50, 0)} ms, worst ${fixed(pub.respondAsync.visibleMaxL)}·L`,
  `  synchronous PUT, acknowledged to visible in /feed.xml: p50 ${fixed(pub.syncAckToVisible.p50, 0)} ms, worst ${fixed(pub.syncAckToVisible.max, 0)} ms`,
  `  import of 10,000 articles (npm run push): ${fixed(imported.seconds, 1)} s, ${fixed(imported.perSecond, 0)} articles/s`,
);
console.log(lines.join("\n"));
