/**
 * Render CPU in isolation, inside workerd: median ms to validate, model and render (to bytes) N
 * full-content items in each format, ours against the `feed` package on the same
 * articles in the same run: the whole render, and as served (item bytes kept by etag). Served by bench/render.toml; `npm run bench` reads it.
 *
 * workerd's clocks stand still while JavaScript runs (a Spectre mitigation) and move
 * on I/O, so each sample times a batch of runs between two timer waits.
 */
import { type Article, ArticleSchema, articleEtag } from "../src/article";
import { encodeFeed } from "../src/feed/encode";
import { buildFeed, type Feed, feedMeta } from "../src/feed/model";
import { renderAtom } from "../src/render/atom";
import { renderJson } from "../src/render/json";
import { renderRss } from "../src/render/rss";
import { feedPackage } from "../test/oracle";

const SETTINGS = {
  siteUrl: "https://news.example",
  title: "Bench",
  description: "Bench feed",
  language: "en",
  copyright: "©",
  idAuthority: "news.example,2026",
  itemsPerFeed: 500,
  maxAge: 300,
  staleWhileRevalidate: 600,
  staleIfError: 86_400,
  archiveMaxAge: 86_400,
  responseCache: true,
  hubs: [],
  pingDelayMs: 0,
  pollMinInterval: 0,
};

/** ~1 KB of HTML per article, with the markup, entities and quotes real articles have. */
function benchArticles(count: number): Article[] {
  const paragraph = (n: number) =>
    `<p>Paragraph ${n} of a report: officials said on Tuesday that the “measure” would <a href="https://example.com/r?a=1&amp;b=${n}">take effect</a> &amp; cost <em>€2.4bn</em> over five years.</p>`;
  return Array.from({ length: count }, (_, n) =>
    ArticleSchema.parse({
      id: `bench-${n}`,
      title: `Bench article ${n}: council & unions agree “final” deal`,
      summary: `A short standfirst for article ${n}, with an ampersand & quotes.`,
      contentHtml: Array.from({ length: 5 }, (_, p) => paragraph(p)).join("\n"),
      authors: [{ name: "Ann Writer", email: "ann@example.com" }, { name: "Bo Reporter" }],
      published: new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString().replace("Z", "+00:00"),
      section: "World",
      tags: ["bench", `tag-${n % 7}`],
      image: { url: `https://news.example/media/${n}.jpg`, caption: "A caption", credit: "Photo: Bench", type: "image/jpeg" },
      dateline: "Lisbon",
    }),
  );
}

const encoder = new TextEncoder();
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Median ms per run of `fn`, from 31 samples of `batch` runs each, after a warm-up. */
async function medianMs(fn: () => unknown, batch: number): Promise<number> {
  for (let i = 0; i < 10; i++) fn();
  const samples: number[] = [];
  for (let s = 0; s < 31; s++) {
    await tick();
    const start = Date.now();
    for (let i = 0; i < batch; i++) fn();
    await tick();
    samples.push((Date.now() - start) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[15] ?? Number.NaN;
}

async function renderFigures(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const n of [50, 500]) {
    const batch = n === 50 ? 200 : 20;
    const articles = benchArticles(n);
    const stored = articles.map((a) => JSON.parse(JSON.stringify(a)));
    const feed = buildFeed(SETTINGS, articles);
    const etags = await Promise.all(articles.map((a) => articleEtag(a)));
    figures[`validate ${n}`] = await medianMs(() => stored.map((a) => ArticleSchema.parse(a)), batch);
    figures[`model ${n}`] = await medianMs(() => buildFeed(SETTINGS, articles), batch);
    for (const [format, ours, theirs] of [
      ["rss", renderRss, (f: Feed) => feedPackage(f).rss2()],
      ["atom", renderAtom, (f: Feed) => feedPackage(f).atom1()],
      ["json", renderJson, (f: Feed) => feedPackage(f).json1()],
    ] as const) {
      // To bytes, as served: a string built by concatenation is only flattened when encoded.
      figures[`${format} ${n}`] = await medianMs(() => encoder.encode(ours(feed)), batch);
      // As served: item bytes kept by etag. All kept (a version rendered again, say in another
      // isolate after the Cache API missed), and one new item each run (a feed after a publish).
      figures[`${format} ${n} kept`] = await medianMs(
        () => encodeFeed(SETTINGS, format, feedMeta(SETTINGS, articles), articles, etags),
        batch,
      );
      let run = 0;
      figures[`${format} ${n} one new`] = await medianMs(() => {
        etags[0] = `new-${run++}`;
        return encodeFeed(SETTINGS, format, feedMeta(SETTINGS, articles), articles, etags);
      }, batch);
      figures[`feed package ${format} ${n}`] = await medianMs(() => encoder.encode(theirs(feed)), Math.max(2, batch / 10));
    }
  }
  return figures;
}

export default {
  async fetch(): Promise<Response> {
    return Response.json(await renderFigures());
  },
};
