import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { KEYS } from "../src/store";
import { AUTH, countingKv, request, SETTINGS } from "./helpers";

const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3"/></svg>');
/** Every byte value, so any text decoding on the way through would show. */
const PNG = Uint8Array.from({ length: 512 }, (_, n) => (n * 7) % 256);
const PUBLIC_CACHE = "public, max-age=86400, stale-while-revalidate=604800";

const upload = (name: string, body: BodyInit, type = "image/svg+xml", headers: Record<string, string> = AUTH) =>
  request(`/api/media/${name}`, { method: "PUT", headers: { ...headers, "Content-Type": type }, body });

/** The strong ETag the API promises: the SHA-256 of the bytes, base64url, quoted (computed here independently). */
async function sha256Tag(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return `"${btoa(String.fromCharCode(...digest))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "")}"`;
}

/** Every KV key with its value and metadata: a refused request must leave this as it was. */
async function kvState() {
  const { keys } = await env.ARTICLES.list();
  return Promise.all(keys.map(async (k) => ({ name: k.name, ...(await env.ARTICLES.getWithMetadata(k.name, "text")) })));
}

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return res.json<{ status: number; detail: string; errors?: { field: string; reason: string }[] }>();
}

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

describe("PUT /api/media/{name}", () => {
  it("creates: 201 with the SHA-256 ETag, the public URL as Location, and the image is served there", async () => {
    const res = await upload("chart.svg", SVG);
    expect(res.status).toBe(201);
    const etag = await sha256Tag(SVG);
    const url = `${SETTINGS.siteUrl}/media/chart.svg`;
    expect(res.headers.get("ETag")).toBe(etag);
    expect(res.headers.get("Location")).toBe(url);
    expect(await res.json()).toEqual({ name: "chart.svg", url, type: "image/svg+xml", bytes: SVG.length, status: "created" });
    const got = await request("/media/chart.svg");
    expect(got.status).toBe(200);
    expect(got.headers.get("ETag")).toBe(etag);
    expect(await bytesOf(got)).toEqual(SVG);
  });

  it("replaces: 200, a new ETag, and the new bytes are served", async () => {
    await upload("photo.png", SVG, "image/png");
    const res = await upload("photo.png", PNG, "image/png");
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe(await sha256Tag(PNG));
    expect((await res.json<{ status: string }>()).status).toBe("replaced");
    expect(await bytesOf(await request("/media/photo.png"))).toEqual(PNG);
  });

  it("the same bytes again: 200 unchanged, the same ETag, and no KV write", async () => {
    const first = await upload("photo.png", PNG, "image/png");
    const { kv, counts } = countingKv(env.ARTICLES);
    const res = await request(
      "/api/media/photo.png",
      { method: "PUT", headers: { ...AUTH, "Content-Type": "image/png" }, body: PNG },
      { ARTICLES: kv },
    );
    expect(res.status).toBe(200);
    expect((await res.json<{ status: string }>()).status).toBe("unchanged");
    expect(res.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(counts.writes).toBe(0);
  });

  it("stores the image under media:{name}, its type and ETag as metadata", async () => {
    await upload("photo.png", PNG, "image/png");
    expect((await env.ARTICLES.list()).keys.map((k) => k.name)).toEqual(["media:photo.png"]);
    const { value, metadata } = await env.ARTICLES.getWithMetadata(KEYS.media("photo.png"), "arrayBuffer");
    expect(new Uint8Array(value ?? new ArrayBuffer(0))).toEqual(PNG);
    expect(metadata).toEqual({ type: "image/png", etag: await sha256Tag(PNG) });
  });

  it.each([
    ["image/jpeg", "photo.jpg"],
    ["image/jpeg", "photo.jpeg"],
    ["image/gif", "anim.gif"],
    ["image/webp", "pic.webp"],
    ["image/avif", "pic.avif"],
    ["image/svg+xml; charset=utf-8", "with-params.svg"],
  ])("accepts %s for %s", async (type, name) => {
    expect((await upload(name, PNG, type)).status).toBe(201);
  });

  it("accepts a body of exactly 10 MiB", async () => {
    expect((await upload("big.png", new Uint8Array(10 * 1024 * 1024), "image/png")).status).toBe(201);
  });

  describe("refuses, with a problem naming the field, and KV as it was", () => {
    it.each([
      ["no token", () => upload("x.svg", SVG, "image/svg+xml", {}), 401, undefined],
      ["a wrong token", () => upload("x.svg", SVG, "image/svg+xml", { Authorization: "Bearer wrong" }), 401, undefined],
      ["a type outside the allowlist", () => upload("x.svg", SVG, "text/html"), 415, "Content-Type"],
      ["no Content-Type", () => request("/api/media/x.svg", { method: "PUT", headers: AUTH, body: SVG }), 415, "Content-Type"],
      ["an image type that is not the extension's", () => upload("x.png", SVG, "image/svg+xml"), 415, "Content-Type"],
      ["a body over 10 MiB", () => upload("x.png", new Uint8Array(10 * 1024 * 1024 + 1), "image/png"), 413, undefined],
      ["an empty body", () => upload("x.svg", new Uint8Array(0)), 400, "body"],
      ["an upper-case name", () => upload("Chart.svg", SVG), 400, "name"],
      ["a name with no extension", () => upload("svg", SVG), 400, "name"],
      ["an extension not allowed", () => upload("page.html", SVG, "text/html"), 400, "name"],
      ["a hidden file", () => upload(".x.svg", SVG), 400, "name"],
      ["an extension that is an Object property", () => upload("x.constructor", SVG), 400, "name"],
      ["a name over 128 characters", () => upload(`${"a".repeat(125)}.svg`, SVG), 400, "name"],
    ])("%s: %i", async (_, send, status, field) => {
      await upload("existing.svg", SVG);
      const state = await kvState();
      const problem = await expectProblem(await send(), status);
      if (field) expect(problem.errors?.map((e) => e.field)).toEqual([field]);
      expect(await kvState()).toEqual(state);
    });

    it("a body over 10 MiB sent without Content-Length (streamed)", async () => {
      const chunk = new Uint8Array(1024 * 1024);
      const body = new ReadableStream({
        start(controller) {
          for (let n = 0; n < 11; n++) controller.enqueue(chunk);
          controller.close();
        },
      });
      await expectProblem(await upload("x.png", body, "image/png"), 413);
      expect(await kvState()).toEqual([]);
    });
  });
});

describe("GET and HEAD /media/{name}", () => {
  it("serves the bytes with their type, a strong ETag, a revalidating Cache-Control, and SVG contained by CSP", async () => {
    const hostile = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><foreignObject/><image href="https://example.com/x.png"/></svg>',
    );
    await upload("hostile.svg", hostile);
    const res = await request("/media/hostile.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(res.headers.get("ETag")).toBe(await sha256Tag(hostile));
    expect(res.headers.get("Cache-Control")).toBe(PUBLIC_CACHE);
    expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(await bytesOf(res)).toEqual(hostile);
  });

  it("serves a raster image with its own type, byte for byte", async () => {
    await upload("photo.png", PNG, "image/png");
    const res = await request("/media/photo.png");
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(await bytesOf(res)).toEqual(PNG);
  });

  it("HEAD: the same headers, no body", async () => {
    await upload("photo.png", PNG, "image/png");
    const res = await request("/media/photo.png", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe(await sha256Tag(PNG));
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("Cache-Control")).toBe(PUBLIC_CACHE);
    expect((await bytesOf(res)).length).toBe(0);
  });

  it.each([
    ["its ETag", (etag: string) => etag],
    ["its ETag, weak, in a list", (etag: string) => `"other", W/${etag}`],
    ["*", () => "*"],
  ])("If-None-Match with %s: 304, no body, the validators", async (_, header) => {
    await upload("photo.png", PNG, "image/png");
    const etag = await sha256Tag(PNG);
    const res = await request("/media/photo.png", { headers: { "If-None-Match": header(etag) } });
    expect(res.status).toBe(304);
    expect(res.headers.get("ETag")).toBe(etag);
    expect(res.headers.get("Cache-Control")).toBe(PUBLIC_CACHE);
    expect((await bytesOf(res)).length).toBe(0);
  });

  it("If-None-Match with another ETag: 200", async () => {
    await upload("photo.png", PNG, "image/png");
    const res = await request("/media/photo.png", { headers: { "If-None-Match": await sha256Tag(SVG) } });
    expect(res.status).toBe(200);
    expect(await bytesOf(res)).toEqual(PNG);
  });

  it("is open to browser-based readers (CORS)", async () => {
    await upload("photo.png", PNG, "image/png");
    const res = await request("/media/photo.png", { headers: { Origin: "https://reader.example" } });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answers 503 with Retry-After, not a 500, when KV cannot be read", async () => {
    await upload("photo.png", PNG, "image/png");
    const failing = new Proxy(env.ARTICLES, {
      get: (target, prop, receiver) =>
        prop === "getWithMetadata" ? () => Promise.reject(new Error("KV unavailable")) : Reflect.get(target, prop, receiver),
    });
    const res = await request("/media/photo.png", undefined, { ARTICLES: failing });
    await expectProblem(res, 503);
    expect(res.headers.get("Retry-After")).toBe("30");
  });

  it("costs one KV read, a 304 included", async () => {
    await upload("photo.png", PNG, "image/png");
    const conditional: Record<string, string>[] = [{}, { "If-None-Match": await sha256Tag(PNG) }];
    for (const headers of conditional) {
      const { kv, counts } = countingKv(env.ARTICLES);
      await (await request("/media/photo.png", { headers }, { ARTICLES: kv })).arrayBuffer();
      expect(counts).toEqual({ reads: 1, writes: 0, lists: 0, deletes: 0 });
    }
  });

  it.each(["/media/missing.svg", "/media/Not_Valid.svg", "/media/x.txt"])("%s is a 404 problem", async (path) => {
    await expectProblem(await request(path), 404);
  });

  it("answers a name that breaks the rule without reading KV", async () => {
    const { kv, counts } = countingKv(env.ARTICLES);
    await expectProblem(await request("/media/Not_Valid.svg", undefined, { ARTICLES: kv }), 404);
    expect(counts.reads).toBe(0);
  });

  it.each(["POST", "PUT", "DELETE"])("%s is 405 with Allow: GET, HEAD", async (method) => {
    await upload("photo.png", PNG, "image/png");
    const res = await request("/media/photo.png", { method, headers: { ...AUTH, "Content-Type": "image/png" }, body: PNG });
    await expectProblem(res, 405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    expect(await bytesOf(await request("/media/photo.png"))).toEqual(PNG);
  });
});

describe("GET /api/media/{name}", () => {
  it("serves the stored bytes and ETag, to be revalidated on every use", async () => {
    await upload("photo.png", PNG, "image/png");
    const res = await request("/api/media/photo.png");
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe(await sha256Tag(PNG));
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
    expect(await bytesOf(res)).toEqual(PNG);
  });

  it("answers 404 for an unknown image and 400 for an invalid name", async () => {
    await expectProblem(await request("/api/media/missing.png"), 404);
    const problem = await expectProblem(await request("/api/media/Bad.png"), 400);
    expect(problem.errors?.[0]?.field).toBe("name");
  });
});

describe("DELETE /api/media/{name}", () => {
  const remove = (name: string, headers: Record<string, string> = AUTH) => request(`/api/media/${name}`, { method: "DELETE", headers });

  it("deletes: 204, then the image is gone", async () => {
    await upload("photo.png", PNG, "image/png");
    const res = await remove("photo.png");
    expect(res.status).toBe(204);
    await expectProblem(await request("/media/photo.png"), 404);
    expect(await kvState()).toEqual([]);
  });

  it("answers 404 for an unknown image", async () => {
    await expectProblem(await remove("missing.png"), 404);
  });

  it("needs the token", async () => {
    await upload("photo.png", PNG, "image/png");
    await expectProblem(await remove("photo.png", {}), 401);
    expect(await bytesOf(await request("/media/photo.png"))).toEqual(PNG);
  });

  it("is 405 with Allow for other methods on /api/media/{name}", async () => {
    const res = await request("/api/media/photo.png", { method: "POST", headers: AUTH });
    await expectProblem(res, 405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD, PUT, DELETE");
  });
});
