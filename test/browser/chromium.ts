import axe from "axe-core";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

/** What the browser tests share: the browser, the viewports, the screenshots folder and the checks every page passes. */

/** Debian's chromium (`apt-get install chromium`; .ci/run does): no browser is downloaded. */
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** Written for a person to look at; git-ignored. */
export const SCREENSHOTS = "test/screenshots";
/** A phone in dark mode and a desktop in light mode: both colour schemes go through axe's contrast checks. */
export const VIEWPORTS = [
  { width: 390, height: 844, colorScheme: "dark" as const },
  { width: 1280, height: 900, colorScheme: "light" as const },
];

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });

/** No horizontal scrolling. (Page expressions are strings: this project's TypeScript has no DOM types.) */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth")).toBeLessThanOrEqual(0);
}

/**
 * axe-core: no serious or critical violation. Evaluated rather than added as a script tag, so a page
 * whose Content-Security-Policy allows only its own nonced script (/stats) is checked too.
 */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  await page.evaluate(axe.source);
  const results = await page.evaluate<axe.AxeResults>("axe.run()");
  expect(results.passes.length).toBeGreaterThan(0); // it did run
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}
