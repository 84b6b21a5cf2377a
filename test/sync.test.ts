import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type MediaFile, type PullResult, pull, push, pushMedia, type Remote, serverArticles } from "../scripts/sync";
import type { Article } from "../src/article";
import { ContentError, type ContentFile, loadContent, loadContentFiles, parseArticleFile } from "../src/content";
import app from "../src/index";
import { feedIndex, request, SETTINGS } from "./helpers";

/** content/ as the CLIs read it. */
const FILES: ContentFile[] = Object.entries(
  import.meta.glob<string>("../content/**/*.{md,html}", { query: "?raw", import: "default", eager: true }),
)
  .map(([path, text]) => ({ path: path.replace(/^\.\.\//, ""), text }))
  .sort((a, b) => (a.path < b.path ? -1 : 1));
const IDS = loadContent(FILES, SETTINGS.siteUrl).map((a) => a.id);
/** The sample dated far ahead, so that `npm start` always shows a scheduled article. */
const SCHEDULED_SAMPLE = "time-capsule-letters-opened";

/** content/media/ as the CLIs read it (every image there is SVG, so text). */
const MEDIA: MediaFile[] = Object.entries(import.meta.glob<string>("../content/media/*", { query: "?raw", import: "default", eager: true }))
  .map(([path, text]) => ({ path: path.replace(/^\.\.\//, ""), bytes: new TextEncoder().encode(text) }))
  .sort((a, b) => (a.path < b.path ? -1 : 1));
const NAMES = MEDIA.map((m) => m.path.replace("content/media/", ""));

/** The worker as a remote, with every article sent in a POST /api/batch recorded, one list per request, and every request. */
function server(token = "test-token") {
  const batches: string[][] = [];
  const requests: string[] = [];
  const remote: Remote = {
    url: "http://feedwire.test",
    token,
    fetch: async (input, init) => {
      requests.push(`${init?.method ?? "GET"} ${new URL(input).pathname}`);
      if (new URL(input).pathname === "/api/batch") {
        batches.push(JSON.parse(String(init?.body)).articles.map((a: Article) => a.id));
      }
      return app.request(input, init, env);
    },
  };
  const uploads = () => requests.filter((r) => r.startsWith("PUT /api/media/")).map((r) => r.replace("PUT /api/media/", ""));
  return { remote, batches, requests, uploads };
}

const pushAll = (remote: Remote, files = FILES, options = {}) => push(remote, files, SETTINGS.siteUrl, options);
const pullAll = (remote: Remote, files = FILES) => pull(remote, files, SETTINGS.siteUrl, "content/pulled");

/** `files` after a pull's writes and deletes. */
const applied = (files: ContentFile[], { writes, deletes }: PullResult): ContentFile[] => [
  ...files.filter((f) => !deletes.includes(f.path) && !writes.some((w) => w.path === f.path)),
  ...writes,
];

const edit = (path: string, change: (text: string) => string) => FILES.map((f) => (f.path === path ? { ...f, text: change(f.text) } : f));

const put = (id: string, article: Record<string, unknown>) =>
  request(`/api/articles/${id}`, {
    method: "PUT",
    headers: { Authorization: "Bearer test-token", "Content-Type": "application/json" },
    body: JSON.stringify(article),
  });

describe("push", () => {
  it("creates every article of content/, and the feeds show them", async () => {
    const { remote, batches } = server();
    const progress: [number, number][] = [];
    const report = await pushAll(remote, FILES, { onProgress: (done: number, total: number) => progress.push([done, total]) });
    expect(report.created.sort()).toEqual([...IDS].sort());
    expect(report).toMatchObject({ updated: [], unchanged: [], failed: [], serverOnly: [] });
    expect(batches).toHaveLength(1);
    expect(progress).toEqual([[IDS.length, IDS.length]]);
    const feed = await (await request("/feed.json")).json<{ items: { id: string }[] }>();
    // All but the scheduled sample, which waits for its time.
    expect(report.scheduled).toEqual([{ id: SCHEDULED_SAMPLE, goesLiveAt: "2076-07-04T10:00:00+01:00" }]);
    const live = IDS.filter((id) => id !== SCHEDULED_SAMPLE);
    expect(feed.items.map((i) => i.id).sort()).toEqual(live.map((id) => `tag:${SETTINGS.idAuthority}:${id}`).sort());
    expect((await serverArticles(remote)).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
      loadContent(FILES, SETTINGS.siteUrl).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
  });

  it("uses content the caller already loaded for the same site URL, rather than validating it again", async () => {
    const { remote, batches } = server();
    const loaded = loadContentFiles(FILES.slice(0, 3), SETTINGS.siteUrl);
    const report = await pushAll(remote, FILES, { loaded });
    expect(batches).toEqual([loaded.map((l) => l.article.id)]);
    expect(report.created).toHaveLength(3);
  });

  it("sends nothing the second time", async () => {
    const { remote, batches } = server();
    await pushAll(remote);
    const again = await pushAll(remote);
    expect(batches).toHaveLength(1);
    // Seen with the token, the scheduled sample is on the server, unchanged, and still reported as scheduled.
    expect(again.scheduled.map((s) => s.id)).toEqual([SCHEDULED_SAMPLE]);
    expect(again).toMatchObject({ created: [], updated: [], failed: [] });
    expect(again.unchanged).toHaveLength(IDS.length);
  });

  it("sends only the file that changed; the server dates the edit when the file has no updated", async () => {
    const { remote, batches } = server();
    await pushAll(remote);
    const path = "content/samples/chess-olympiad-upset.md";
    expect(FILES.find((f) => f.path === path)?.text).not.toMatch(/^updated:/m);
    const files = edit(path, (t) => t.replace(/^title: .*$/m, 'title: "Underdogs hold top seeds on opening day"'));
    const report = await pushAll(remote, files);
    expect(batches).toHaveLength(2);
    expect(batches[1]).toEqual(["chess-olympiad-upset"]);
    expect(report.updated).toEqual(["chess-olympiad-upset"]);
    const stored = (await serverArticles(remote)).find((a) => a.id === "chess-olympiad-upset");
    expect(stored?.title).toBe("Underdogs hold top seeds on opening day");
    expect(stored?.updated).not.toBe(stored?.published);
    // The file still leaves updated to the server, so the server's new date is not a difference.
    await pushAll(remote, files);
    expect(batches).toHaveLength(2);
  });

  it("sends at most 100 articles a request", async () => {
    const { remote, batches } = server();
    const files = Array.from({ length: 150 }, (_, n) => ({
      path: `content/many/item-${n}.html`,
      text: `---\ntitle: "Item ${n}"\nauthors: [{ name: "Ann" }]\npublished: "2026-01-01T00:00:00Z"\n---\n<p>${n}</p>`,
    }));
    const progress: [number, number][] = [];
    const report = await pushAll(remote, files, { onProgress: (done: number, total: number) => progress.push([done, total]) });
    // Sent at once, so either may be answered first.
    expect(batches.map((b) => b.length).sort()).toEqual([100, 50]);
    expect(progress.at(-1)).toEqual([150, 150]);
    expect(progress).toHaveLength(2);
    expect(report.created).toHaveLength(150);
    expect(await serverArticles(remote)).toHaveLength(150);
  });

  it("sends the batches respond-async and answers once the feeds hold them", async () => {
    const { remote, requests } = server();
    const report = await pushAll(remote);
    expect(requests.filter((r) => r === "GET /api/backlog").length).toBeGreaterThan(0);
    expect(report.created.length).toBeGreaterThan(0);
    const live = report.created.filter((id) => !report.scheduled.some((s) => s.id === id));
    expect((await feedIndex()).items.map(([id]) => id).sort()).toEqual(live.sort());
  });

  it("sends nothing in a dry run, and says what it would do", async () => {
    const { remote, batches } = server();
    await pushAll(remote, FILES.slice(1));
    const files = edit(FILES[2]?.path ?? "", (t) => t.replace(/^title: .*$/m, 'title: "Changed"'));
    const report = await pushAll(remote, files, { dryRun: true });
    expect(batches).toHaveLength(1);
    expect(report).toMatchObject({ dryRun: true, created: [IDS[0]], updated: [IDS[2]], failed: [] });
    expect(report.unchanged).toHaveLength(IDS.length - 2);
    expect((await serverArticles(remote)).find((a) => a.id === IDS[2])?.title).not.toBe("Changed");
  });

  it("says in a dry run which articles would wait for their time, and sends nothing", async () => {
    const { remote, requests } = server();
    const report = await pushAll(remote, FILES, { dryRun: true });
    expect(requests.filter((r) => !r.startsWith("GET "))).toEqual([]);
    expect(report.created).toHaveLength(IDS.length);
    expect(report.scheduled).toEqual([{ id: SCHEDULED_SAMPLE, goesLiveAt: "2076-07-04T10:00:00+01:00" }]);
  });

  it("reports every article of a refused batch as failed, with the server's index and field, and nothing is stored", async () => {
    const { remote } = server();
    // Valid locally, but over the server's 1 MiB per-article limit.
    const big = {
      path: "content/big-story.html",
      text: `---\ntitle: "Big"\nauthors: [{ name: "Ann" }]\npublished: "2026-01-01T00:00:00Z"\n---\n<p>${"x".repeat(1_100_000)}</p>`,
    };
    const report = await pushAll(remote, [...FILES, big]);
    expect(report.created).toEqual([]);
    expect(report.failed).toHaveLength(IDS.length + 1);
    expect(report.failed.find((f) => f.id === "big-story")).toEqual({
      id: "big-story",
      path: "content/big-story.html",
      errors: [{ index: IDS.length, field: "(article)", reason: expect.stringContaining("1 MiB") }],
    });
    expect(report.failed[0]?.errors).toEqual([
      { field: "(request)", reason: expect.stringContaining("another article in the same batch") },
    ]);
    expect(await serverArticles(remote)).toEqual([]);
  });

  it("stops at a refused token, before sending anything, and says why", async () => {
    const { remote, batches } = server("wrong");
    await expect(pushAll(remote, FILES.slice(0, 2))).rejects.toThrow(/could not list the server's articles: 401 /);
    expect(batches).toEqual([]);
  });
});

describe("push, media", () => {
  /** A binary image: every byte value, which a text round trip would mangle. */
  const png: MediaFile = { path: "content/media/photo.png", bytes: Uint8Array.from({ length: 300 }, (_, n) => n % 256) };

  it("uploads every image of content/media/, and each is served byte for byte at /media/{name}", async () => {
    expect(NAMES).toContain("maduro-considering-asylum.svg");
    const { remote, uploads } = server();
    const progress: [number, number][] = [];
    const report = await pushMedia(remote, [...MEDIA, png], { onProgress: (done, total) => progress.push([done, total]) });
    expect(report).toEqual({ dryRun: false, created: [...NAMES, "photo.png"], replaced: [], unchanged: [], failed: [] });
    expect(uploads()).toEqual([...NAMES, "photo.png"]);
    expect(progress.at(-1)).toEqual([MEDIA.length + 1, MEDIA.length + 1]);
    for (const file of [...MEDIA, png]) {
      const res = await request(`/media/${file.path.replace("content/media/", "")}`);
      expect(res.headers.get("Content-Type")).toBe(file === png ? "image/png" : "image/svg+xml");
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(file.bytes);
    }
  });

  it("uploads nothing the second time", async () => {
    const { remote, uploads } = server();
    await pushMedia(remote, MEDIA);
    const again = await pushMedia(remote, MEDIA);
    expect(again).toMatchObject({ created: [], replaced: [], unchanged: NAMES, failed: [] });
    expect(uploads()).toHaveLength(MEDIA.length);
  });

  it("uploads only the image that changed, reported as replaced", async () => {
    const { remote, uploads } = server();
    await pushMedia(remote, [...MEDIA, png]);
    const edited = { ...png, bytes: png.bytes.map((b) => 255 - b) };
    const report = await pushMedia(remote, [...MEDIA, edited]);
    expect(report).toMatchObject({ created: [], replaced: ["photo.png"], unchanged: NAMES });
    expect(uploads().slice(MEDIA.length + 1)).toEqual(["photo.png"]);
    expect(new Uint8Array(await (await request("/media/photo.png")).arrayBuffer())).toEqual(edited.bytes);
  });

  it("uploads nothing in a dry run, and says what it would do", async () => {
    const { remote, uploads } = server();
    await pushMedia(remote, MEDIA.slice(1));
    const edited = MEDIA.map((m, n) => (n === 2 ? { ...m, bytes: new TextEncoder().encode("<svg/>") } : m));
    const report = await pushMedia(remote, edited, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, created: [NAMES[0]], replaced: [NAMES[2]], failed: [] });
    expect(report.unchanged).toHaveLength(MEDIA.length - 2);
    expect(uploads()).toHaveLength(MEDIA.length - 1);
    expect((await request(`/media/${NAMES[0]}`)).status).toBe(404);
  });

  it("refuses names and sizes the server would refuse, every one at once, before sending anything", async () => {
    const { remote, requests } = server();
    const bad = [
      { path: "content/media/Photo.PNG", bytes: png.bytes },
      { path: "content/media/notes.txt", bytes: png.bytes },
      { path: "content/media/empty.png", bytes: new Uint8Array(0) },
      { path: "content/media/huge.png", bytes: new Uint8Array(10 * 1024 * 1024 + 1) },
    ];
    const error = await pushMedia(remote, [...MEDIA, ...bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentError);
    expect((error as ContentError).problems.map((p) => [p.file, p.field])).toEqual([
      ["content/media/Photo.PNG", "(file name)"],
      ["content/media/notes.txt", "(file name)"],
      ["content/media/empty.png", "(file)"],
      ["content/media/huge.png", "(file)"],
    ]);
    expect(requests).toEqual([]);
  });

  it("reports a refused token for every image, and stores none", async () => {
    const { remote } = server("wrong");
    const report = await pushMedia(remote, MEDIA.slice(0, 2));
    expect(report.failed).toEqual(
      MEDIA.slice(0, 2).map((m, n) => ({ name: NAMES[n], path: m.path, reason: expect.stringMatching(/^401 /) })),
    );
    expect(report.created).toEqual([]);
    expect((await request(`/media/${NAMES[0]}`)).status).toBe(404);
  });
});

describe("pull", () => {
  it("after a push gives back exactly the same files", async () => {
    const { remote } = server();
    await pushAll(remote);
    const result = await pullAll(remote);
    expect(result.writes).toEqual([]);
    expect(result.deletes).toEqual([]);
    expect(result.report.unchanged).toHaveLength(IDS.length);
  });

  it("writes what changed on the server, and a push after it sends nothing", async () => {
    const { remote, batches } = server();
    await pushAll(remote);
    const seed = parseArticleFile(FILES.find((f) => f.path.endsWith("/maduro-considering-asylum.md")) as ContentFile, SETTINGS.siteUrl);
    await put(seed.id, { ...seed, title: "Edited on the server", updated: undefined });
    await put("api-only", {
      title: "Only on the server",
      summary: "Made through the API.",
      authors: [{ name: "Ann" }],
      published: "2026-05-01T08:00:00+02:00",
    });
    const result = await pullAll(remote, [
      ...FILES,
      { path: "content/gone.html", text: FILES[0]?.text.replace(/^title:/m, "id: gone\ntitle:") ?? "" },
    ]);
    expect(result.report).toMatchObject({
      created: ["content/pulled/api-only.html"],
      updated: [],
      replaced: [{ from: "content/articles/maduro-considering-asylum.md", to: "content/articles/maduro-considering-asylum.html" }],
      localOnly: ["content/gone.html"],
    });
    expect(result.deletes).toEqual(["content/articles/maduro-considering-asylum.md"]);
    const files = applied(FILES, result);
    expect(files).toHaveLength(FILES.length + 1);
    await pushAll(remote, files);
    expect(batches).toHaveLength(1);
    expect((await pullAll(remote, files)).writes).toEqual([]);
  });

  it("writes an article made through the API as an .html file that loads back to exactly the server's article", async () => {
    const { remote } = server();
    const res = await put("api-story", {
      title: 'Quotes "inside", a colon: and 田中 🌙',
      url: "https://example.com/news/api-story",
      summary: "Line one.\nLine two.",
      contentHtml: "<p>Body</p>\n---\n<p>after a rule-like line</p>",
      authors: [{ email: "b@example.com", name: "Bo", url: "https://example.com/bo" }, { name: "Cy" }],
      published: "2026-05-01T08:00:00+02:00",
      updated: "2026-05-02T09:30:00+02:00",
      section: "World",
      tags: ["a tag", "yes", "2026"],
      image: {
        type: "image/svg+xml",
        height: 675,
        width: 1200,
        credit: "Credit",
        caption: "Caption",
        url: `${SETTINGS.siteUrl}/media/chip.svg`,
      },
      dateline: "Paris",
      language: "fr",
    });
    expect(res.status).toBe(201);
    const { article } = await res.json<{ article: Article }>();
    const result = await pullAll(remote, []);
    expect(result.writes.map((w) => w.path)).toEqual(["content/pulled/api-story.html"]);
    const file = result.writes[0] as ContentFile;
    expect(file.text).toMatch(
      /^---\ntitle: .*\nurl: .*\nsummary: .*\nauthors:\n {2}- name: "Bo"\n {4}url: .*\n {4}email: .*\n {2}- name: "Cy"\npublished: "2026-05-01T08:00:00\+02:00"\nupdated: "2026-05-02T09:30:00\+02:00"\nsection: "World"\ntags: \[ "a tag", "yes", "2026" \]\nimage:\n {2}url: "\/media\/chip.svg"\n/,
    );
    expect(file.text.endsWith(`---\n${article.contentHtml}\n`)).toBe(true);
    expect(parseArticleFile(file, SETTINGS.siteUrl)).toEqual(article);
    // And a push of that file sends nothing.
    const { remote: again, batches } = server();
    expect((await push(again, [file], SETTINGS.siteUrl)).unchanged).toEqual(["api-story"]);
    expect(batches).toEqual([]);
  });
});
