/**
 * Loads content/ into the ARTICLES KV namespace, all or nothing: every file is
 * validated first, and nothing is written when one fails.
 *   tsx scripts/seed.ts            local (Miniflare) KV, replaced wholesale
 *   tsx scripts/seed.ts --remote   the deployed namespace (SITE_URL from wrangler.toml)
 */
import { execFileSync } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { unstable_readConfig } from "wrangler";
import { ContentError, type ContentFile, loadContent } from "../src/content";
import { seedEntries } from "../src/store";

const CONTENT_DIR = "content";
const STATE_DIR = ".wrangler/state";
const SEED_FILE = ".wrangler/seed.json";

export async function readContentFiles(dir = CONTENT_DIR): Promise<ContentFile[]> {
  const names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith(".md")).sort();
  return Promise.all(names.map(async (n) => ({ path: join(dir, n), text: await readFile(join(dir, n), "utf8") })));
}

export function configuredSiteUrl(): string {
  const url = unstable_readConfig({}).vars.SITE_URL;
  if (typeof url !== "string") throw new Error("wrangler.toml [vars] has no SITE_URL");
  return url;
}

export async function seed({ remote, siteUrl }: { remote: boolean; siteUrl: string }): Promise<number> {
  const articles = loadContent(await readContentFiles(), siteUrl);
  await mkdir(".wrangler", { recursive: true });
  await writeFile(SEED_FILE, JSON.stringify(seedEntries(articles)));
  // Local KV mirrors content/ exactly, so a file deleted from content/ leaves the feeds too.
  if (!remote) await rm(join(STATE_DIR, "v3", "kv"), { recursive: true, force: true });
  execFileSync("wrangler", ["kv", "bulk", "put", SEED_FILE, "--binding", "ARTICLES", remote ? "--remote" : "--local"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return articles.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const remote = process.argv.includes("--remote");
  try {
    const count = await seed({ remote, siteUrl: configuredSiteUrl() });
    console.log(`seeded ${count} articles from ${CONTENT_DIR}/ into ${remote ? "remote" : "local"} KV`);
  } catch (e) {
    if (!(e instanceof ContentError)) throw e;
    console.error(`content/ has problems; nothing was loaded:\n${e.message}`);
    process.exit(1);
  }
}
