import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { KEYS, readArticle } from "../src/store";
import { AUTH, apiBatch, apiPut, articleBody, JSON_TYPE, makeArticle, publisher, request } from "./helpers";

const body = articleBody;
const put = apiPut;
const batch = apiBatch;

/** Every KV key and value: a rejected request must leave this exactly as it was. */
async function kvState(): Promise<Record<string, string | null>> {
  const keys = (await env.ARTICLES.list()).keys.map((k) => k.name);
  return Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await env.ARTICLES.get(k)])));
}

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const problem = await res.json<{
    type: string;
    title: string;
    status: number;
    detail: string;
    errors?: { field: string; reason: string; index?: number }[];
  }>();
  expect(problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), type: expect.any(String) });
  return problem;
}

describe("PUT /api/articles/{id}", () => {
  it("creates: 201, the stored article and its ETag; the article is in every feed and has a page", async () => {
    const res = await put("harbour-plan", body());
    expect(res.status).toBe(201);
    const etag = res.headers.get("ETag");
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const { article, warnings } = await res.json<{ article: Record<string, unknown>; warnings: unknown[] }>();
    expect(article).toMatchObject({ id: "harbour-plan", title: "Council approves harbour plan", updated: "2026-03-01T09:00:00+01:00" });
    expect(warnings).toEqual([]);
    for (const feed of ["/feed.xml", "/atom.xml", "/feed.json"])
      expect(await (await request(feed)).text()).toContain("Council approves harbour plan");
    expect((await request("/articles/harbour-plan")).status).toBe(200);
    const got = await request("/api/articles/harbour-plan");
    expect(got.headers.get("ETag")).toBe(etag);
    expect(await got.json()).toEqual(article);
  });

  it("is idempotent: the same body again is 200 with the same ETag and changes no feed byte", async () => {
    const first = await put("same", body());
    const feed = await (await request("/atom.xml")).text();
    const state = await kvState();
    const again = await put("same", body());
    expect(again.status).toBe(200);
    expect(again.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(await (await request("/atom.xml")).text()).toBe(feed);
    expect(await kvState()).toEqual(state);
  });

  it("on an edit keeps the id and guid, moves updated (in the publisher's offset) and shows the edit", async () => {
    await put("story", body());
    const res = await put("story", body({ title: "Council approves amended harbour plan" }));
    expect(res.status).toBe(200);
    const { article } = await res.json<{ article: { updated: string } }>();
    expect(article.updated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+01:00$/);
    expect(Date.parse(article.updated)).toBeGreaterThan(Date.parse("2026-03-01T09:00:00+01:00"));
    const atom = await (await request("/atom.xml")).text();
    expect(atom).toContain("<id>tag:feedwire.example,2026:story</id>");
    expect(atom).toContain("Council approves amended harbour plan");
    expect(atom).toContain(`<updated>${article.updated}</updated>`);
    expect(atom).not.toContain("<title>Council approves harbour plan</title>");
  });

  it("uses an updated date the publisher gives", async () => {
    await put("dated", body());
    const res = await put("dated", body({ title: "Changed", updated: "2026-03-02T10:00:00+01:00" }));
    expect((await res.json<{ article: { updated: string } }>()).article.updated).toBe("2026-03-02T10:00:00+01:00");
  });

  it("refuses a body id that differs from the path", async () => {
    const problem = await expectProblem(await put("one", body({ id: "two" })), 400);
    expect(problem.errors?.[0]?.field).toBe("id");
  });

  describe("optimistic concurrency", () => {
    it("If-Match with a stale ETag is 412 and changes nothing", async () => {
      const etag = (await put("edited", body())).headers.get("ETag") ?? "";
      await put("edited", body({ title: "Someone else's edit" }));
      const state = await kvState();
      await expectProblem(await put("edited", body({ title: "My edit" }), { "If-Match": etag }), 412);
      expect(await kvState()).toEqual(state);
    });

    it("If-Match with the current ETag (in a list) applies the edit", async () => {
      const etag = (await put("edited", body())).headers.get("ETag") ?? "";
      const res = await put("edited", body({ title: "My edit" }), { "If-Match": `"other", ${etag}` });
      expect(res.status).toBe(200);
    });

    it("If-Match on an article that does not exist is 412", async () => {
      await expectProblem(await put("new", body(), { "If-Match": '"abc"' }), 412);
    });

    it("If-None-Match naming the current ETag is 412", async () => {
      const etag = (await put("tagged", body())).headers.get("ETag") ?? "";
      await expectProblem(await put("tagged", body({ title: "Overwrite" }), { "If-None-Match": `"x", ${etag}` }), 412);
      expect((await put("tagged", body({ title: "Overwrite" }), { "If-None-Match": '"x"' })).status).toBe(200);
    });

    it("If-None-Match: * creates only", async () => {
      expect((await put("fresh", body(), { "If-None-Match": "*" })).status).toBe(201);
      const problem = await expectProblem(await put("fresh", body({ title: "Again" }), { "If-None-Match": "*" }), 412);
      expect(problem.detail).toContain("already exists");
    });
  });
});

describe("GET /api/articles", () => {
  it("pages newest first with limit and an opaque cursor, reaching every article once", async () => {
    await publisher().put(
      Array.from({ length: 25 }, (_, n) => ({
        article: makeArticle({ id: `a-${n}`, published: new Date(Date.UTC(2026, 0, 1 + n)).toISOString() }),
        explicitUpdated: true,
      })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await request(`/api/articles?limit=10${cursor ? `&cursor=${cursor}` : ""}`);
      const page = await res.json<{ items: { etag: string; article: { id: string } }[]; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(10);
      for (const item of page.items) expect(item.etag).toMatch(/^"/);
      seen.push(...page.items.map((i) => i.article.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, n) => `a-${24 - n}`));
  });

  it.each(["limit=0", "limit=101", "limit=x", "cursor=not-a-cursor"])("refuses %s with 400", async (query) => {
    await expectProblem(await request(`/api/articles?${query}`), 400);
  });

  it("answers 404 for an unknown article", async () => {
    await expectProblem(await request("/api/articles/nobody"), 404);
  });
});

describe("DELETE /api/articles/{id}", () => {
  it("retracts: 204, gone from every feed, its page 410, and a second delete 404", async () => {
    await put("mistake", body({ title: "A mistaken story" }));
    await put("keeper", body({ title: "A good story" }));
    const res = await request("/api/articles/mistake", { method: "DELETE", headers: AUTH });
    expect(res.status).toBe(204);
    for (const feed of ["/feed.xml", "/atom.xml", "/feed.json", "/"]) {
      const text = await (await request(feed)).text();
      expect(text).not.toContain("A mistaken story");
      expect(text).toContain("A good story");
    }
    expect((await request("/articles/mistake")).status).toBe(410);
    await expectProblem(await request("/api/articles/mistake"), 404);
    await expectProblem(await request("/api/articles/mistake", { method: "DELETE", headers: AUTH }), 404);
  });

  it("is 404 for an unknown id, and 412 for a stale If-Match", async () => {
    await expectProblem(await request("/api/articles/unknown", { method: "DELETE", headers: AUTH }), 404);
    await put("kept", body());
    await expectProblem(await request("/api/articles/kept", { method: "DELETE", headers: { ...AUTH, "If-Match": '"stale"' } }), 412);
    expect((await request("/articles/kept")).status).toBe(200);
  });

  it("lets a retracted id be published again", async () => {
    await put("back", body());
    await request("/api/articles/back", { method: "DELETE", headers: AUTH });
    expect((await put("back", body())).status).toBe(201);
    expect((await request("/articles/back")).status).toBe(200);
  });
});

describe("POST /api/batch", () => {
  it("stores up to 100 articles in one request", async () => {
    const res = await batch(Array.from({ length: 100 }, (_, n) => body({ id: `b-${n}`, title: `Batch ${n}` })));
    expect(res.status).toBe(200);
    const { results } = await res.json<{ results: { id: string; status: string }[] }>();
    expect(results).toHaveLength(100);
    expect(results.every((r) => r.status === "created")).toBe(true);
    expect((await request("/api/articles?limit=100")).ok).toBe(true);
  });

  it("is all or nothing: one bad article and none is stored, with every error by index and field", async () => {
    await put("existing", body());
    const state = await kvState();
    const res = await batch([
      body({ id: "fine" }),
      body({ id: "bad-date", published: "yesterday" }),
      body({ id: "two-problems", title: "", authors: [] }),
      body({ id: "Bad_Id" }),
    ]);
    const problem = await expectProblem(res, 400);
    expect(problem.errors).toEqual([
      { index: 1, field: "published", reason: expect.stringContaining("RFC 3339") },
      { index: 2, field: "title", reason: "must not be empty" },
      { index: 2, field: "authors", reason: "needs at least one author" },
      { index: 3, field: "id", reason: expect.any(String) },
    ]);
    expect(await kvState()).toEqual(state);
  });

  it.each([
    ["more than 100 articles", Array.from({ length: 101 }, (_, n) => body({ id: `x-${n}` }))],
    ["no articles", []],
    ["the same id twice", [body({ id: "twin" }), body({ id: "twin" })]],
  ])("refuses %s", async (_, articles) => {
    await expectProblem(await batch(articles), 400);
    expect(await kvState()).toEqual({});
  });
});

describe("authentication", () => {
  it("needs a bearer token on write routes: 401 with WWW-Authenticate when missing", async () => {
    const res = await request("/api/articles/x", { method: "PUT", headers: JSON_TYPE, body: JSON.stringify(body()) });
    await expectProblem(res, 401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
  });

  it("refuses a wrong token without echoing what was sent", async () => {
    const res = await request("/api/articles/x", { method: "DELETE", headers: { Authorization: "Bearer not-the-token" } });
    const problem = await expectProblem(res, 401);
    expect(JSON.stringify(problem)).not.toContain("not-the-token");
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
  });

  it("never takes the token from the query string", async () => {
    const res = await request("/api/articles/x?token=test-token&access_token=test-token", {
      method: "PUT",
      headers: JSON_TYPE,
      body: JSON.stringify(body()),
    });
    await expectProblem(res, 401);
  });

  it("refuses every write, saying why, when no token is configured", async () => {
    const res = await request(
      "/api/articles/x",
      { method: "PUT", headers: { ...AUTH, ...JSON_TYPE }, body: JSON.stringify(body()) },
      { PUBLISH_TOKEN: "" },
    );
    const problem = await expectProblem(res, 503);
    expect(problem.detail).toContain("PUBLISH_TOKEN");
  });

  it("keeps read routes public", async () => {
    await put("open", body());
    expect((await request("/api/articles/open")).status).toBe(200);
    expect((await request("/api/articles")).status).toBe(200);
  });
});

describe("bad input: a clear problem, and KV as it was", () => {
  const raw = (payload: string, headers: Record<string, string> = JSON_TYPE) =>
    request("/api/articles/x", { method: "PUT", headers: { ...AUTH, ...headers }, body: payload });

  it.each([
    ["malformed JSON", () => raw('{"title": "unterminated'), 400],
    ["a body that is not JSON", () => raw("title=x", { "Content-Type": "application/x-www-form-urlencoded" }), 415],
    ["no content type", () => raw("{}", {}), 415],
    ["a JSON array", () => raw("[]"), 400],
    ["a body over 1 MiB", () => raw(JSON.stringify(body({ contentHtml: `<p>${"x".repeat(1024 * 1024)}</p>` }))), 413],
    ["an id outside the pattern", () => put("Not_Valid", body()), 400],
    ["an id over 128 characters", () => put(`a${"b".repeat(128)}`, body()), 400],
  ])("%s", async (_, send, status) => {
    await put("existing", body());
    const state = await kvState();
    await expectProblem(await send(), status);
    expect(await kvState()).toEqual(state);
  });

  it.each([
    ["published", { published: "2026-03-01 09:00" }, "RFC 3339"],
    ["published", { published: "2026-03-01T09:00:00" }, "offset"],
    ["url", { url: "/relative" }, "absolute"],
    ["url", { url: "ftp://example.com/x" }, "absolute http(s)"],
    ["image.url", { image: { url: "javascript:alert(1)" } }, "absolute http(s)"],
    ["title", { title: 5 }, "string"],
    ["title", { title: undefined }, ""],
    ["authors", { authors: "Ann" }, "array"],
    ["authors.0.email", { authors: [{ name: "Ann", email: "ann" }] }, "e-mail"],
    ["tags.1", { tags: ["ok", 7] }, "string"],
    ["subtitle", { subtitle: "x" }, "unknown field"],
    ["authors.0.nmae", { authors: [{ name: "Ann", nmae: "Ann" }] }, "unknown field"],
    ["image.captoin", { image: { url: "https://example.com/i.png", captoin: "x" } }, "unknown field"],
    ["contentHtml", { summary: undefined, contentHtml: undefined }, "summary or contentHtml"],
  ])("names %s and the reason", async (field, change, reason) => {
    const problem = await expectProblem(await put("x", body(change)), 400);
    expect(problem.errors).toContainEqual({ field, reason: expect.stringContaining(reason) });
    expect(await kvState()).toEqual({});
  });
});

describe("content safety", () => {
  it("sanitises contentHtml, says what changed, and stores the clean version", async () => {
    const res = await put(
      "xss",
      body({
        url: "https://news.example.com/2026/story.html",
        contentHtml:
          '<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:alert(1)">x</a> <a href="../other.html">rel</a><img src="/i.png" onerror="x()"></p><iframe src="https://evil.example"></iframe>',
      }),
    );
    expect(res.status).toBe(201);
    const { article, warnings } = await res.json<{ article: { contentHtml: string }; warnings: { field: string; reason: string }[] }>();
    expect(article.contentHtml).not.toMatch(/script|onclick|onerror|javascript:|iframe/i);
    expect(article.contentHtml).toContain('href="https://news.example.com/other.html"');
    expect(article.contentHtml).toContain('src="https://news.example.com/i.png"');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((w) => w.field === "contentHtml")).toBe(true);
    const stored = await readArticle(env.ARTICLES, "xss");
    expect(stored && "article" in stored && stored.article.contentHtml).toBe(article.contentHtml);
  });

  it("removes what no feed may carry from every string field, at any depth, with a warning naming each", async () => {
    const res = await put(
      "ctl",
      body({
        title: "Bell\u0007 title",
        authors: [{ name: "Ann\u0000", url: "https://example.com/ann\uD800" }],
        image: { url: "https://example.com/i.png", caption: "lone \uDC00 and \uFFFE" },
        tags: ["t\uFDD0"],
        contentHtml: "<p>raw\u0001 and referenced &#1;&#xD800;&#xFFFE;&#0;</p>",
      }),
    );
    const { article, warnings } = await res.json<{
      article: { title: string; authors: { name: string; url: string }[]; image: { caption: string }; tags: string[]; contentHtml: string };
      warnings: { field: string; reason: string }[];
    }>();
    expect(article).toMatchObject({
      title: "Bell title",
      authors: [{ name: "Ann", url: "https://example.com/ann" }],
      image: { caption: "lone  and" },
      tags: ["t"],
      contentHtml: "<p>raw and referenced </p>",
    });
    const removed = (n: number) => expect.stringMatching(new RegExp(`^removed ${n} characters? no feed may carry`));
    expect(warnings).toEqual([
      { field: "title", reason: removed(1) },
      { field: "contentHtml", reason: removed(1) },
      { field: "authors.0.name", reason: removed(1) },
      { field: "authors.0.url", reason: removed(1) },
      { field: "image.caption", reason: removed(2) },
      { field: "tags.0", reason: removed(1) },
      { field: "contentHtml", reason: "removed 4 character references to a code point no feed may carry" },
    ]);
  });

  it.each([["a deep nesting", "<div>".repeat(300), "nests elements more than 256 deep"]])(
    "refuses %s in contentHtml with a 400 naming the field",
    async (_, contentHtml, reason) => {
      const problem = await expectProblem(await put("deep", body({ contentHtml })), 400);
      expect(problem.errors).toEqual([{ field: "contentHtml", reason }]);
    },
  );

  it.each([
    [
      "a <style> in a <template> in a <select> (lol-html threw)",
      "<select><template><style><img src=x onerror=alert(1)></style></template></select>",
    ],
    ["stray end tags", "javascript:/*--></title></style></textarea></script></xmp><svg/onload=1>"],
    ["a tag name broken by another tag", "<scr<script>ipt>alert(1)</scr</script>ipt>"],
    ["an <embed> with an end tag", `<embed src="x"></embed>`],
  ])("answers %s with 201 and none of its markup", async (_, contentHtml) => {
    const res = await put("hostile", body({ contentHtml: `<p>ok</p>${contentHtml}` }));
    expect(res.status).toBe(201);
    const { article } = await res.json<{ article: { contentHtml: string } }>();
    expect(article.contentHtml).not.toMatch(/<\/?(?!p>)[a-z]/i);
  });

  it("keeps non-ASCII text exactly", async () => {
    const title = "Zoë’s café: 東京 ☕ — “quoted” 😀";
    const res = await put("unicode", body({ title, authors: [{ name: "Søren Ødegaard" }] }));
    expect((await res.json<{ article: { title: string } }>()).article.title).toBe(title);
    expect(await (await request("/feed.xml")).text()).toContain(title);
  });
});

describe("consistency under concurrency", () => {
  it("loses none of 200 concurrent publishes", async () => {
    const ids = Array.from({ length: 200 }, (_, n) => `c-${n}`);
    const responses = await Promise.all(
      ids.map((id, n) => put(id, body({ published: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString() }))),
    );
    expect(responses.map((r) => r.status)).toEqual(ids.map(() => 201));
    const listed: string[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page: { items: { article: { id: string } }[]; nextCursor: string | null } = await (
        await request(`/api/articles?limit=100${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      listed.push(...page.items.map((i) => i.article.id));
      cursor = page.nextCursor;
    }
    expect(listed.sort()).toEqual([...ids].sort());
    const stored = await Promise.all(ids.map((id) => env.ARTICLES.get(KEYS.article(id))));
    expect(stored.every((v) => v !== null)).toBe(true);
    const feed = await (await request("/feed.json")).json<{ items: { id: string }[] }>();
    expect(feed.items.map((i) => i.id.split(":").at(-1))).toEqual(ids.toReversed().slice(0, feed.items.length));
  });

  it("ends concurrent edits of one article with one of them whole, in KV as in the API", async () => {
    await put("contested", body());
    const versions = Array.from({ length: 20 }, (_, n) => ({ title: `Version ${n}`, contentHtml: `<p>Body of version ${n}.</p>` }));
    await Promise.all(versions.map((v) => put("contested", body(v))));
    const api = await (await request("/api/articles/contested")).json<{ title: string; contentHtml: string }>();
    const n = Number(api.title.replace("Version ", ""));
    expect(api.contentHtml).toBe(`<p>Body of version ${n}.</p>`);
    const stored = await readArticle(env.ARTICLES, "contested");
    expect(stored && "article" in stored && stored.article).toEqual(api);
  });
});

describe("routes", () => {
  it.each([
    ["POST", "/api/articles/x", "GET, HEAD, PUT, DELETE"],
    ["PATCH", "/api/articles/x", "GET, HEAD, PUT, DELETE"],
    ["PUT", "/api/articles", "GET, HEAD"],
    ["GET", "/api/batch", "POST"],
  ])("%s %s is 405 with Allow: %s", async (method, path, allow) => {
    const res = await request(path, { method, headers: AUTH });
    await expectProblem(res, 405);
    expect(res.headers.get("Allow")).toBe(allow);
  });

  it("answers an unknown API route with a 404 problem", async () => {
    await expectProblem(await request("/api/nothing"), 404);
  });

  it("serves an OpenAPI document generated from the article schema", async () => {
    const doc = await (await request("/api/openapi.json")).json<{
      openapi: string;
      paths: object;
      components: { schemas: { Article: { properties: object } } };
    }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(["/articles", "/articles/{id}", "/batch", "/backlog", "/stats", "/media/{name}"]);
    expect(Object.keys(doc.components.schemas.Article.properties)).toEqual(
      expect.arrayContaining([
        "id",
        "title",
        "url",
        "summary",
        "contentHtml",
        "authors",
        "published",
        "updated",
        "section",
        "tags",
        "image",
        "dateline",
        "language",
      ]),
    );
  });
});
