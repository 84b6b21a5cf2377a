import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWranglerDev, type WranglerDev } from "../../scripts/serving";

// http.test.ts takes 8700-8789 and the bench 8801-8803: this file stays out of both.
const PORT = 8804 + Math.floor(Math.random() * 47);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const TOKEN = "e2e-websub-token";
const FORMAT_FILES = ["feed.xml", "atom.xml", "feed.json"];

/** One POST the fake hub received. */
interface Ping {
  path: string;
  contentType: string;
  params: URLSearchParams;
}

let wrangler: WranglerDev | undefined;
let state: string;
let hub: Server;
let hubUrl: string;
const pings: Ping[] = [];

/** The current documents of the given scopes (`""` for main, `/sections/world` …), in all three formats. */
const selfUrls = (...scopes: string[]) => scopes.flatMap((scope) => FORMAT_FILES.map((file) => `${ORIGIN}${scope}/${file}`)).sort();

/** Waits until at least `count` pings arrived and then none for `quietMs` (more would be a bug), or gives up after `timeoutMs`. */
async function settledPings(count: number, quietMs = 3000, timeoutMs = 20_000): Promise<Ping[]> {
  const started = Date.now();
  let seen = pings.length;
  let lastChange = Date.now();
  while (Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 200));
    if (pings.length !== seen) {
      seen = pings.length;
      lastChange = Date.now();
    }
    if (pings.length >= count && Date.now() - lastChange >= quietMs) break;
  }
  return [...pings];
}

/** The topics of the pings that arrive (at least `count`), each checked to be a well-formed publish ping; sorted. */
async function publishedUrls(count: number): Promise<string[]> {
  const got = await settledPings(count);
  for (const p of got) {
    expect(p.path).toBe("/hub");
    expect(p.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect([...p.params.keys()].sort()).toEqual(["hub.mode", "hub.url"]);
    expect(p.params.get("hub.mode")).toBe("publish");
  }
  return got.map((p) => p.params.get("hub.url") ?? "").sort();
}

async function publish(id: string, article: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${ORIGIN}/api/articles/${id}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(article),
  });
  expect(res.status, await res.text()).toBe(201);
}

beforeAll(async () => {
  hub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST") {
        pings.push({
          path: req.url ?? "",
          contentType: req.headers["content-type"] ?? "",
          params: new URLSearchParams(Buffer.concat(chunks).toString("utf8")),
        });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/hub`;

  state = await mkdtemp(join(tmpdir(), "feedwire-websub-"));
  wrangler = await startWranglerDev(PORT, {
    args: ["--persist-to", state],
    vars: { PUBLISH_TOKEN: TOKEN, SITE_URL: ORIGIN, WEBSUB_HUBS: hubUrl, WEBSUB_PING_DELAY: "0" },
  });
});

afterAll(async () => {
  await wrangler?.stop();
  await new Promise((resolve) => hub?.close(resolve));
  if (state) await rm(state, { recursive: true, force: true });
});

describe("WebSub, through wrangler dev and a fake hub", () => {
  it("pings every affected current feed, in all three formats, once each", async () => {
    await publish("websub-first", {
      title: "Warming world",
      summary: "The first story.",
      authors: [{ name: "Ann Writer" }],
      published: "2026-05-01T10:00:00+02:00",
      section: "World",
      tags: ["climate"],
    });
    const expected = selfUrls("", "/sections/world", "/authors/ann-writer", "/tags/climate");
    expect(expected).toHaveLength(12);
    expect(await publishedUrls(12)).toEqual(expected);
  });

  it("pings only the feeds a later article changes", async () => {
    pings.length = 0;
    await publish("websub-second", {
      title: "Lab notes",
      summary: "The second story.",
      authors: [{ name: "Bo Reporter" }],
      published: "2026-05-02T10:00:00+02:00",
      section: "Science",
    });
    expect(await publishedUrls(9)).toEqual(selfUrls("", "/sections/science", "/authors/bo-reporter"));
  });

  it("advertises the hub and self in the Link header and in every format", async () => {
    const rss = await fetch(`${ORIGIN}/feed.xml`);
    expect(rss.status).toBe(200);
    const link = rss.headers.get("link") ?? "";
    expect(link).toContain(`<${hubUrl}>; rel="hub"`);
    expect(link).toContain(`<${ORIGIN}/feed.xml>; rel="self"`);
    const rssBody = await rss.text();
    expect(rssBody).toContain(`<atom:link href="${hubUrl}" rel="hub"/>`);
    expect(rssBody).toContain(`<atom:link href="${ORIGIN}/feed.xml" rel="self"`);

    const atom = await fetch(`${ORIGIN}/atom.xml`);
    expect(atom.headers.get("link") ?? "").toContain(`<${hubUrl}>; rel="hub"`);
    const atomBody = await atom.text();
    expect(atomBody).toContain(`<link rel="hub" href="${hubUrl}"/>`);
    expect(atomBody).toMatch(new RegExp(`<link rel="self"[^>]* href="${ORIGIN}/atom\\.xml"/>`));

    const json = await fetch(`${ORIGIN}/feed.json`);
    expect(json.headers.get("link") ?? "").toContain(`<${hubUrl}>; rel="hub"`);
    const feed = (await json.json()) as { feed_url?: string; hubs?: unknown };
    expect(feed.hubs).toEqual([{ type: "WebSub", url: hubUrl }]);
    expect(feed.feed_url).toBe(`${ORIGIN}/feed.json`);

    // A scoped current feed advertises the hub too, with its own self URL.
    const scoped = await fetch(`${ORIGIN}/sections/world/atom.xml`);
    expect(scoped.status).toBe(200);
    expect(scoped.headers.get("link") ?? "").toContain(`<${hubUrl}>; rel="hub"`);
    expect(scoped.headers.get("link") ?? "").toContain(`<${ORIGIN}/sections/world/atom.xml>; rel="self"`);
  });
});
