/** What the command-line tools (push, pull, start) share: content files on disk, the token, progress and reports. */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CONTENT_FILE, ContentError, type ContentFile } from "../src/content";
import type { MediaFile, MediaPushReport, PullResult, PushReport } from "./sync";

export const CONTENT_DIR = "content";
const MEDIA_DIR = `${CONTENT_DIR}/media`;
const DEV_VARS = ".dev.vars";
/** Where `wrangler dev` keeps local KV and Durable Object storage. */
export const LOCAL_STATE = ".wrangler/state";
const TOKEN_LINE = /^PUBLISH_TOKEN\s*=\s*"?([^"\r\n]*)"?\s*$/m;

export async function readContentFiles(dir = CONTENT_DIR): Promise<ContentFile[]> {
  const names = (await readdir(dir, { recursive: true })).filter((n) => CONTENT_FILE.test(n)).sort();
  return Promise.all(names.map(async (n) => ({ path: join(dir, n), text: await readFile(join(dir, n), "utf8") })));
}

/** The images in content/media/, hidden files (.DS_Store and the like) left out; none when there is no such folder. */
export async function readMediaFiles(dir = MEDIA_DIR): Promise<MediaFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) =>
    e.code === "ENOENT" ? [] : Promise.reject(e),
  );
  const names = entries.filter((e) => e.isFile() && !e.name.startsWith(".")).map((e) => e.name);
  return Promise.all(names.sort().map(async (n) => ({ path: join(dir, n), bytes: new Uint8Array(await readFile(join(dir, n))) })));
}

export async function applyFiles({ writes, deletes }: Pick<PullResult, "writes" | "deletes">): Promise<void> {
  for (const file of writes) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.text);
  }
  for (const path of deletes) await rm(path);
}

/** The PUBLISH_TOKEN line of .dev.vars, if there is one. */
export async function devVarsToken(): Promise<string | undefined> {
  const text = await readFile(DEV_VARS, "utf8").catch(() => "");
  return TOKEN_LINE.exec(text)?.[1] || undefined;
}

/** The local publishing token; a missing .dev.vars is created with a random one. */
export async function ensureDevVarsToken(): Promise<string> {
  const existing = await devVarsToken();
  if (existing) return existing;
  if (await readFile(DEV_VARS).catch(() => null))
    throw new Error(`${DEV_VARS} has no PUBLISH_TOKEN line; add one (see ${DEV_VARS}.example)`);
  const token = randomBytes(32).toString("hex");
  await writeFile(DEV_VARS, `PUBLISH_TOKEN=${token}\n`);
  console.log(`created ${DEV_VARS} with a new random PUBLISH_TOKEN (git-ignored; npm run push reads it from there)`);
  return token;
}

/** `[#####.....] 40/120` on stderr, rewritten in place; only on a terminal. */
export function progress(done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const filled = Math.round((done / total) * 30);
  process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(30 - filled)}] ${done}/${total}${done === total ? "\n" : ""}`);
}

const list = (title: string, lines: string[]) => (lines.length ? [`${title}:`, ...lines.map((l) => `  ${l}`)] : []);

/** "1 scheduled, goes live …", or the count and a line each; in a dry run, "would be". */
function scheduledLines(scheduled: PushReport["scheduled"], would: string): string[] {
  const [first] = scheduled;
  if (!first) return [];
  if (scheduled.length === 1) return [`1 ${would}scheduled, goes live ${first.goesLiveAt} (${first.id}); in no feed until then`];
  return list(
    `${scheduled.length} ${would}scheduled, in no feed until their time`,
    scheduled.map((s) => `${s.id} goes live ${s.goesLiveAt}`),
  );
}

export function formatPush(r: PushReport): string {
  const would = r.dryRun ? "would be " : "";
  const toSend = r.created.length + r.updated.length;
  return [
    ...(r.dryRun ? [toSend ? `dry run: ${toSend} article(s) would be sent; nothing was sent` : "dry run: nothing to send"] : []),
    `${r.created.length} ${would}created, ${r.updated.length} ${would}updated, ${r.unchanged.length} unchanged, ${r.failed.length} failed`,
    ...(r.dryRun ? [...list("would be created", r.created), ...list("would be updated", r.updated)] : []),
    ...list(
      "failed (nothing in a refused batch was stored)",
      r.failed.flatMap((f) => f.errors.map((e) => `${f.path}: ${e.field}: ${e.reason}`)),
    ),
    ...list(
      "server warnings",
      r.warnings.map((w) => `${w.id}: ${w.field}: ${w.reason}`),
    ),
    ...scheduledLines(r.scheduled, would),
    ...list("on the server but not in content/ (left as they are)", r.serverOnly),
  ].join("\n");
}

/** What `npm start` says once content/ is in: what was loaded (and what is scheduled), where to look, where the token is. */
export function formatReady(siteUrl: string, r: PushReport, media: MediaPushReport): string {
  const articles = r.created.length + r.updated.length + r.unchanged.length;
  const images = media.created.length + media.replaced.length + media.unchanged.length;
  const loaded = [
    `${articles} article(s) from content/ (${r.created.length} new, ${r.updated.length} updated, ${r.unchanged.length} unchanged)`,
    `${images} image(s)`,
    ...(r.serverOnly.length ? [`${r.serverOnly.length} published through the API earlier, kept`] : []),
  ];
  const rows: [string, string][] = [
    ["home", `${siteUrl}/`],
    ["RSS", `${siteUrl}/feed.xml`],
    ["Atom", `${siteUrl}/atom.xml`],
    ["JSON Feed", `${siteUrl}/feed.json`],
    ["OPML", `${siteUrl}/feeds.opml`],
    ["API docs", `${siteUrl}/api/openapi.json`],
    ["token", `PUBLISH_TOKEN in ${DEV_VARS}`],
    ["state", `${LOCAL_STATE}, kept across restarts (npm start -- --fresh wipes it)`],
  ];
  return [
    `feedwire is ready: ${loaded.join(", ")}.`,
    ...scheduledLines(r.scheduled, "").map((l) => `  ${l}`),
    ...rows.map(([k, v]) => `  ${k.padEnd(10)} ${v}`),
  ].join("\n");
}

export function formatMediaPush(r: MediaPushReport): string {
  const would = r.dryRun ? "would be " : "";
  return [
    `media: ${r.created.length} ${would}created, ${r.replaced.length} ${would}replaced, ${r.unchanged.length} unchanged, ${r.failed.length} failed`,
    ...(r.dryRun ? [...list("would be created", r.created), ...list("would be replaced", r.replaced)] : []),
    ...list(
      "failed",
      r.failed.map((f) => `${f.path}: ${f.reason}`),
    ),
  ].join("\n");
}

export function formatPull({ report: r }: PullResult): string {
  return [
    `${r.created.length} new, ${r.updated.length} updated, ${r.replaced.length} Markdown file(s) replaced by HTML, ${r.unchanged.length} unchanged`,
    ...list("new", r.created),
    ...list("updated", r.updated),
    ...list(
      "replaced",
      r.replaced.map((x) => `${x.from} → ${x.to}`),
    ),
    ...list("not on the server (kept)", r.localOnly),
  ].join("\n");
}

/** Runs a CLI's main: content problems and failed requests end it with a message and exit code 1, not a stack trace. */
export function run(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof ContentError) console.error(`content/ has problems; nothing was sent:\n${e.message}`);
    else if (e instanceof Error) console.error(`error: ${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ""}`);
    else throw e;
    process.exit(1);
  });
}
