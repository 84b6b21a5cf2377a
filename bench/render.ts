/**
 * Render CPU in isolation, inside workerd: median ms to validate, model and render (to bytes) N
 * full-content items in each format, ours against the `feed` package on the same
 * articles in the same run: the whole render, and as served (item bytes kept by etag); and the
 * ingest of one 20 KB article (sanitise and validate). Served by bench/render.toml; `npm run bench` reads it.
 *
 * workerd's clocks stand still while JavaScript runs (a Spectre mitigation) and move
 * on I/O, so each sample times a batch of runs between two timer waits.
 */
import { type Article, ArticleSchema, articleEtag } from "../src/article";
import { encodeFeed } from "../src/feed/encode";
import { buildFeed, type Feed, feedMeta } from "../src/feed/model";
import { ingest } from "../src/ingest";
import { renderAtom } from "../src/render/atom";
import { renderJson } from "../src/render/json";
import { renderRss } from "../src/render/rss";
import { sanitizeHtml } from "../src/sanitize";
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

/**
 * ~20 KB of article HTML as an editor or Markdown writes it: paragraphs with links, emphasis, quotes and
 * references (`&quot;`, `&amp;`, `&#39;`), a list, a figure, a table, a block quote and code.
 */
function article20k(): string {
  const block = (n: number) =>
    `<h2>Part ${n}</h2>
<p>Officials said on Tuesday that the &quot;measure&quot; would <a href="https://example.com/r?a=${n}&amp;b=2" title="The report">take effect</a> &amp; cost <em>€2.4bn</em>; it&#39;s <strong>the third</strong> such plan since 2020.</p>
<p>Critics <a href="/opinion/${n}">disagreed</a>: &ldquo;It won&rsquo;t work,&rdquo; one said.<br />Another added that the <code>rate &lt; 5</code> rule had <mark>never</mark> held.</p>
<ul><li>First point, with a <a href="https://example.com/one">link</a></li><li>Second point</li><li>Third point &mdash; the last</li></ul>
<figure><img src="https://example.com/media/${n}.jpg" alt="A chart of the rate" width="640" height="360"><figcaption>The rate since 2020. <small>Source: the bank</small></figcaption></figure>
<blockquote cite="https://example.com/speech"><p>Inflation is not yet beaten.</p></blockquote>
<table><thead><tr><th scope="col">Year</th><th scope="col">Rate</th></tr></thead><tbody><tr><td>2025</td><td>4.50%</td></tr><tr><td>2026</td><td>4.25%</td></tr></tbody></table>
`;
  let html = "";
  for (let n = 0; html.length < 20_000; n++) html += block(n);
  return html;
}

/** Median ms to ingest one 20 KB article: as written (parsed twice: once more to check the output), and when already sanitised. */
async function ingestFigures(): Promise<Record<string, number>> {
  const contentHtml = article20k();
  const body = { title: "A 20 KB article", authors: [{ name: "Ann Writer" }], published: "2026-03-01T09:00:00+01:00", contentHtml };
  const sanitized = { ...body, contentHtml: sanitizeHtml(contentHtml, `${SETTINGS.siteUrl}/articles/a`).html };
  // ingest has no await before it returns: each call below does the whole ingest.
  return {
    "ingest 20KB": await medianMs(() => ingest(body, "a", SETTINGS), 20),
    "ingest 20KB sanitised": await medianMs(() => ingest(sanitized, "a", SETTINGS), 20),
  };
}

export default {
  async fetch(): Promise<Response> {
    return Response.json({ ...(await ingestFigures()), ...(await renderFigures()) });
  },
};
