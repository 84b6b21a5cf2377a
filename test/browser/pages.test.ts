import { mkdir } from "node:fs/promises";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readContentFiles, readMediaFiles } from "../../scripts/cli";
import { push, pushMedia } from "../../scripts/sync";
import { type Served, serve, TEST_TOKEN } from "../e2e/served";
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchChromium, SCREENSHOTS, VIEWPORTS } from "./chromium";

const PORT = 8900 + Math.floor(Math.random() * 90);
const ORIGIN = `http://127.0.0.1:${PORT}`;

/** Every kind of page, and a feed preview of every kind of feed document; content/ as `npm start` loads it. */
const PAGES: [name: string, path: string][] = [
  ["home", "/"],
  ["article", "/articles/maduro-considering-asylum"],
  ["section", "/sections/world"],
  ["author", "/authors/mark-browne"],
  ["tag", "/tags/climate"],
  ["archive-page", "/archive/1"],
  ["preview-rss", "/feed.xml"],
  ["preview-atom", "/atom.xml"],
  ["preview-json", "/feed.json"],
  ["preview-archive", "/archive/1/atom.xml"],
  ["preview-section", "/sections/world/feed.xml"],
  ["preview-author", "/authors/mark-browne/atom.xml"],
  ["preview-tag", "/tags/climate/feed.json"],
];
let served: Served | undefined;
let browser: Browser | undefined;
const contexts = new Map<number, BrowserContext>();
/** Links already followed (by any page or width), so each is fetched once. */
const followed = new Set<string>();

beforeAll(async () => {
  // Ten items a page, so content/'s 38 articles make archive pages.
  served = await serve(PORT, { ITEMS_PER_FEED: "10" });
  const remote = { fetch, url: ORIGIN, token: TEST_TOKEN };
  expect((await pushMedia(remote, await readMediaFiles())).failed).toEqual([]);
  expect((await push(remote, await readContentFiles(), ORIGIN)).failed).toEqual([]);
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
  for (const { width, height, colorScheme } of VIEWPORTS)
    contexts.set(width, await browser.newContext({ viewport: { width, height }, colorScheme }));
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe.each(VIEWPORTS)("in Chromium at $width px ($colorScheme)", ({ width }) => {
  it.each(PAGES)("%s (%s)", async (name, path) => {
    const context = contexts.get(width) as BrowserContext;
    const page = await context.newPage();
    const failed: string[] = [];
    page.on("requestfailed", (r) => failed.push(r.url()));
    page.on("response", (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
    const res = await page.goto(`${ORIGIN}${path}`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()["content-type"]).toBe("text/html; charset=utf-8");
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${width}.png`, fullPage: true });

    // The content is there.
    expect((await page.locator("h1").textContent())?.trim()).toBeTruthy();
    if (name === "article") {
      expect(await page.locator("article figure img").count()).toBe(1);
      expect(await page.locator("article figcaption").textContent()).toContain("Photo: Venezuelan Presidency");
      expect(await page.locator(".dateline").textContent()).toContain("Mexico City");
    } else expect(await page.locator(".story h2 a").count()).toBeGreaterThan(0);
    if (name.startsWith("preview")) expect(await page.locator(".address").textContent()).toBe(`${ORIGIN}${path}`);
    // Autodiscovery, and a visible link to each of those feeds.
    const discovered = await page
      .locator('link[rel="alternate"]')
      .evaluateAll((ls) => ls.map((l) => (l as unknown as { href: string }).href));
    expect(discovered.length).toBeGreaterThanOrEqual(3);
    for (const href of discovered) expect(await page.locator(`footer a[href="${href}"]`).count(), href).toBe(1);
    // Every link to the site works (a feed reader's fetch, so feeds answer as feeds), and nothing the page loads fails.
    const links = await page.locator("a[href]").evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
    for (const href of new Set(links.map((l) => l.split("#")[0] ?? l))) {
      if (!href.startsWith(ORIGIN) || followed.has(href)) continue;
      followed.add(href);
      expect((await context.request.get(href)).status(), href).toBe(200);
    }
    expect(failed).toEqual([]);
    await expectNoHorizontalScroll(page);
    await expectNoSeriousAxeViolations(page);
    // The first item's link to its page here (an article with a canonical url of its own links there), followed as a person would.
    if (name !== "article") {
      await page.locator(`.story h2 a[href^="${ORIGIN}/articles/"]`).first().click();
      await page.waitForLoadState();
      expect(await page.locator("article.article h1").count()).toBe(1);
    }
    await page.close();
  });

  it.each([
    ["not-found", "/sections/no-such-section"],
    ["not-found-feed", "/tags/no-such-tag/feed.xml"],
  ])("%s (%s): a page that says so, not JSON", async (name, path) => {
    const page = await (contexts.get(width) as BrowserContext).newPage();
    const res = await page.goto(`${ORIGIN}${path}`);
    expect(res?.status()).toBe(404);
    expect(res?.headers()["content-type"]).toBe("text/html; charset=utf-8");
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${width}.png`, fullPage: true });
    expect(await page.locator("h1").textContent()).toBe("Not Found");
    expect(await page.locator("main").textContent()).toContain("no article has this section, author");
    expect(await page.locator('link[rel="alternate"]').count()).toBeGreaterThanOrEqual(3);
    await expectNoHorizontalScroll(page);
    await expectNoSeriousAxeViolations(page);
    await page.getByRole("link", { name: "The latest articles" }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe("/");
    expect(await page.locator(".story h2 a").count()).toBeGreaterThan(0);
    await page.close();
  });
});
