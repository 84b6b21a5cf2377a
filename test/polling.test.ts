import { describe, expect, it } from "vitest";
import { makeArticle, publish, request, SETTINGS } from "./helpers";

const THROTTLED = { POLL_MIN_INTERVAL: "120" };
const from = (ip: string, headers: Record<string, string> = {}) => ({ headers: { "CF-Connecting-IP": ip, ...headers } });

describe("polite polling", () => {
  it("is off by default: any client may fetch as often as it likes", async () => {
    await publish([makeArticle()]);
    expect(SETTINGS.pollMinInterval).toBe(0);
    for (let i = 0; i < 3; i++) expect((await request("/feed.xml", from("192.0.2.1"))).status).toBe(200);
  });

  it("answers 429 with Retry-After to a client that fetches the same feed unconditionally too soon", async () => {
    await publish([makeArticle()]);
    expect((await request("/feed.xml", from("192.0.2.2"), THROTTLED)).status).toBe(200);
    const res = await request("/feed.xml", from("192.0.2.2"), THROTTLED);
    expect(res.status).toBe(429);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const wait = Number(res.headers.get("Retry-After"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(120);
    expect((await res.json()) as object).toMatchObject({ status: 429, title: "Too Many Requests" });
  });

  it("never throttles a conditional request, another client or another feed", async () => {
    await publish([makeArticle()]);
    const first = await request("/atom.xml", from("192.0.2.3"), THROTTLED);
    const etag = first.headers.get("ETag") ?? "";
    const lastModified = first.headers.get("Last-Modified") ?? "";
    expect((await request("/atom.xml", from("192.0.2.3", { "If-None-Match": etag }), THROTTLED)).status).toBe(304);
    expect((await request("/atom.xml", from("192.0.2.3", { "If-Modified-Since": lastModified }), THROTTLED)).status).toBe(304);
    expect((await request("/atom.xml", from("192.0.2.4"), THROTTLED)).status).toBe(200);
    expect((await request("/feed.json", from("192.0.2.3"), THROTTLED)).status).toBe(200);
    expect((await request("/atom.xml", from("192.0.2.3"), THROTTLED)).status).toBe(429);
  });

  it("never throttles a person reloading a feed's preview, nor counts it against their feed reader", async () => {
    await publish([makeArticle()]);
    const navigation = { "Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", Accept: "text/html,*/*;q=0.8" };
    for (let i = 0; i < 3; i++) {
      const res = await request("/feed.xml", from("192.0.2.5", navigation), THROTTLED);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    }
    // The reader on the same address still gets its first fetch, and is throttled on its second.
    expect((await request("/feed.xml", from("192.0.2.5"), THROTTLED)).headers.get("Content-Type")).toBe(
      "application/rss+xml; charset=utf-8",
    );
    expect((await request("/feed.xml", from("192.0.2.5"), THROTTLED)).status).toBe(429);
    // A navigation that asks for the feed itself gets the feed, and is throttled like any fetch of it.
    expect((await request("/feed.xml", from("192.0.2.5", { ...navigation, Accept: "application/rss+xml" }), THROTTLED)).status).toBe(429);
  });
});
