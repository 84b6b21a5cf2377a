import { mkdir } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Served, serve, TEST_TOKEN } from "../e2e/served";
import { expectNoHorizontalScroll, expectNoSeriousAxeViolations, launchChromium, SCREENSHOTS, VIEWPORTS } from "./chromium";

const PORT = 9000 + Math.floor(Math.random() * 90);
const ORIGIN = `http://127.0.0.1:${PORT}`;
let served: Served | undefined;
let browser: Browser | undefined;

const poll = (path: string, ua: string, headers: Record<string, string> = {}) =>
  fetch(`${ORIGIN}${path}`, { headers: { "User-Agent": ua, ...headers } }).then(async (r) => {
    await r.arrayBuffer();
    return r;
  });

beforeAll(async () => {
  served = await serve(PORT, { STATS_FLUSH_SECONDS: "1" });
  const res = await served.put("stats-story", {
    title: "Counted",
    authors: [{ name: "Ann Writer" }],
    published: "2026-05-01T10:00:00+02:00",
    summary: "Polled.",
  });
  expect(res.status).toBe(201);
  const first = await poll("/feed.xml", "Newsboat/2.36.0 (Linux x86_64)");
  await poll("/feed.xml", "Newsboat/2.36.0 (Linux x86_64)", { "If-None-Match": first.headers.get("ETag") ?? "" });
  await poll("/atom.xml", "Feedly/1.0 (poller; 131 subscribers;)");
  for (let i = 0; i < 3; i++) await poll("/feed.json", "GreedyFetcher/0.1");
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** The cells of the first row of `table` that mentions `name`. */
const row = (page: Page, table: string, name: string) => page.locator(`${table} tr`, { hasText: name }).locator("td").allTextContents();

describe("the /stats page in Chromium", () => {
  it("asks for the token, keeps it for the tab only, and shows the chart, readers and etiquette", async () => {
    const context = await (browser as Browser).newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));

    await page.goto(`${ORIGIN}/stats`);
    await expect(page.locator("#token-form").isVisible()).resolves.toBe(true);
    await page.fill("input[name=token]", TEST_TOKEN);
    await page.click("#token-form button");
    await page.waitForSelector("#chart");

    expect(await page.locator("#chart polyline").count()).toBe(4); // the total and three feeds
    expect((await row(page, "#readers", "Feedly")).slice(0, 3)).toEqual(["Feedly", "aggregator", "131"]);
    expect((await row(page, "#readers", "newsboat")).slice(0, 3)).toEqual(["newsboat", "reader", "1"]);
    expect((await row(page, "#etiquette", "GreedyFetcher")).slice(0, 2)).toEqual(["GreedyFetcher", "unconditional"]);
    expect(await page.locator("#token-form").isVisible()).toBe(false);
    expect(await page.evaluate('[sessionStorage.getItem("feedwire-stats-token"), localStorage.length]')).toEqual([TEST_TOKEN, 0]);
    expect((await context.cookies()).length).toBe(0);

    await page.reload();
    await page.waitForSelector("#chart"); // the tab still holds the token
    await page.selectOption("#days", "7");
    await page.locator("#chart polyline").first().waitFor();

    expect(requests.every((url) => url.startsWith(`${ORIGIN}/`))).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("drops a token the server refuses and asks again", async () => {
    const context = await (browser as Browser).newContext();
    const page = await context.newPage();
    await page.goto(`${ORIGIN}/stats`);
    await page.fill("input[name=token]", "wrong");
    await page.click("#token-form button");
    await page.locator("#report", { hasText: "refused" }).waitFor();
    expect(await page.evaluate("sessionStorage.length")).toBe(0);
    expect(await page.locator("#token-form").isVisible()).toBe(true);
    // Nothing to choose days for, nor to forget, without a token.
    expect(await page.locator("#controls").isVisible()).toBe(false);
    await context.close();
  });

  it("a new tab starts without the token", async () => {
    const context = await (browser as Browser).newContext();
    const page = await context.newPage();
    await page.goto(`${ORIGIN}/stats`);
    expect(await page.locator("#token-form").isVisible()).toBe(true);
    expect(await page.locator("#controls").isVisible()).toBe(false);
    expect(await page.locator("#chart").count()).toBe(0);
    await context.close();
  });
});

describe.each(VIEWPORTS)("the /stats page in Chromium at $width px ($colorScheme)", ({ width, height, colorScheme }) => {
  it("the token form, then the report: content, axe-core, no horizontal scroll, screenshots", async () => {
    const context = await (browser as Browser).newContext({ viewport: { width, height }, colorScheme });
    const page = await context.newPage();
    const requests: string[] = [];
    const failed: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("requestfailed", (r) => failed.push(r.url()));
    page.on("response", (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));

    // The token form.
    const res = await page.goto(`${ORIGIN}/stats`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()["content-type"]).toBe("text/html; charset=utf-8");
    await page.screenshot({ path: `${SCREENSHOTS}/stats-token-${width}.png`, fullPage: true });
    expect((await page.locator("h1").textContent())?.trim()).toBe("Subscribers");
    expect(await page.locator("#token-form").isVisible()).toBe(true);
    expect(await page.locator("#token-form input[name=token]").isVisible()).toBe(true);
    expect(await page.locator("#chart").count()).toBe(0);
    await expectNoHorizontalScroll(page);
    await expectNoSeriousAxeViolations(page);

    // The report.
    await page.fill("input[name=token]", TEST_TOKEN);
    await page.click("#token-form button");
    await page.waitForSelector("#etiquette");
    await page.screenshot({ path: `${SCREENSHOTS}/stats-report-${width}.png`, fullPage: true });
    expect(await page.locator("#token-form").isVisible()).toBe(false);
    expect(await page.locator("#chart polyline").count()).toBe(4);
    expect(await page.locator(".legend li").allTextContents()).toContain("All feeds");
    expect((await row(page, "#readers", "Feedly")).slice(0, 3)).toEqual(["Feedly", "aggregator", "131"]);
    expect((await row(page, "#etiquette", "GreedyFetcher")).slice(0, 2)).toEqual(["GreedyFetcher", "unconditional"]);
    await expectNoHorizontalScroll(page);
    await expectNoSeriousAxeViolations(page);

    expect(requests.every((url) => url.startsWith(`${ORIGIN}/`))).toBe(true);
    expect(failed).toEqual([]);
    await context.close();
  });
});
