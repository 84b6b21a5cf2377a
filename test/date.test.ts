import { describe, expect, it } from "vitest";
import { dateHeader } from "../src/http/date";
import { makeArticle, publish, request } from "./helpers";

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

describe("Date", () => {
  it("is on every response: 200, 304, 4xx, 5xx, pages, API and media", async () => {
    await publish([makeArticle()]);
    const feed = await request("/feed.xml");
    const etag = feed.headers.get("ETag") ?? "";
    const responses = [
      feed,
      await request("/feed.xml", { headers: { "If-None-Match": etag } }),
      await request("/articles/sample-article"),
      await request("/api/articles/sample-article"),
      await request("/no-such-page"),
      await request("/api/articles/x", { method: "PUT", body: "{}" }),
      await request("/feed.xml", { method: "POST" }),
      await request("/media/none.png"),
      // No PUBLISHER binding: the Durable Object cannot be reached, and the API answers 500.
      await request("/api/articles/sample-article", {}, { PUBLISHER: undefined as unknown as Env["PUBLISHER"] }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 304, 200, 200, 404, 401, 405, 404, 500]);
    for (const res of responses) {
      const date = res.headers.get("Date") ?? "";
      expect(date).toMatch(IMF_FIXDATE);
      expect(Math.abs(Date.parse(date) - Date.now())).toBeLessThan(5_000);
    }
  });

  it("is built once a second and reused within it", () => {
    const t = Date.UTC(2026, 2, 1, 9, 0, 0);
    const first = dateHeader(t + 10);
    expect(first).toBe("Sun, 01 Mar 2026 09:00:00 GMT");
    expect(dateHeader(t + 990)).toBe(first);
    expect(dateHeader(t + 1000)).toBe("Sun, 01 Mar 2026 09:00:01 GMT");
  });
});
