import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawGet } from "../../scripts/serving";
import { type Served, serve } from "./served";

const PORT = 8700 + Math.floor(Math.random() * 90);
const ORIGIN = `http://127.0.0.1:${PORT}`;
let served: Served | undefined;

const get = (path: string, headers: Record<string, string> = {}) => rawGet(`${ORIGIN}${path}`, headers);

beforeAll(async () => {
  served = await serve(PORT);
  const res = await served.put("e2e-story", {
    title: "Over the wire",
    authors: [{ name: "Ann Writer" }],
    published: "2026-05-01T10:00:00+02:00",
    contentHtml: `<p>${"A paragraph long enough to be worth compressing. ".repeat(40)}</p>`,
  });
  expect(res.status).toBe(201);
});

afterAll(() => served?.stop());

describe("over HTTP, through wrangler dev", () => {
  it("sends identity to a client that accepts no encoding", async () => {
    const res = await get("/feed.xml");
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.body.toString("utf8")).toContain("<title>Over the wire</title>");
    expect(res.headers.vary).toBe("Accept-Encoding, Sec-Fetch-Dest, Accept");
  });

  it("gives a browser's navigation the feed's HTML preview, with its own ETag, and a reader the feed", async () => {
    const navigation = { "Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", Accept: "text/html,*/*;q=0.8" };
    const [feed, preview] = [await get("/feed.xml"), await get("/feed.xml", navigation)];
    expect(preview.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(preview.body.toString("utf8")).toContain(`<code class="address">${ORIGIN}/feed.xml</code>`);
    expect(preview.headers.etag).not.toBe(feed.headers.etag);
    expect((await get("/feed.xml", { Accept: "application/rss+xml" })).body.equals(feed.body)).toBe(true);
  });

  it("gzips for a client that asks for gzip, to the same bytes", async () => {
    const plain = (await get("/atom.xml")).body;
    const res = await get("/atom.xml", { "Accept-Encoding": "gzip" });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.body.length).toBeLessThan(plain.length / 2);
    expect(gunzipSync(res.body).equals(plain)).toBe(true);
  });

  it("uses br for a client that asks for br only", async () => {
    const plain = (await get("/feed.json")).body;
    const res = await get("/feed.json", { "Accept-Encoding": "br" });
    expect(res.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(res.body).equals(plain)).toBe(true);
  });

  it("honours q=0", async () => {
    const res = await get("/feed.xml", { "Accept-Encoding": "gzip;q=0, br;q=0" });
    expect(res.headers["content-encoding"]).toBeUndefined();
  });

  it("serves many concurrent requests right after a publish, each whole", async () => {
    const res = await (served as Served).put("e2e-second", {
      title: "Second",
      authors: [{ name: "Bo" }],
      published: "2026-05-02T10:00:00+02:00",
      summary: "New version.",
    });
    expect(res.status).toBe(201);
    const paths = ["/feed.xml", "/atom.xml", "/feed.json", "/"];
    const all = await Promise.all(Array.from({ length: 48 }, (_, n) => get(paths[n % 4] ?? "/", { "Accept-Encoding": "gzip" })));
    expect(all.map((r) => r.status)).toEqual(all.map(() => 200));
    for (const r of all) expect(gunzipSync(r.body).toString("utf8")).toContain("Second");
  });

  it("answers a conditional request with 304 and no body", async () => {
    const first = await get("/feed.xml");
    const res = await get("/feed.xml", { "If-None-Match": String(first.headers.etag) });
    expect(res.status).toBe(304);
    expect(res.body.length).toBe(0);
    expect(res.headers.etag).toBe(first.headers.etag);
  });
});
