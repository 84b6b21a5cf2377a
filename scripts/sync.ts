/**
 * Syncs content files with a feedwire server through its publisher API: push sends
 * the files (articles and media) that differ from the server, pull turns the server's
 * articles into files.
 * No file system and no I/O beyond the fetch it is given, so it runs in Node (the
 * CLIs) and in workerd (the tests) alike.
 */
import { Document, type YAMLSeq } from "yaml";
import { type Article, ArticleSchema, AuthorSchema, canonicalJson, ImageSchema } from "../src/article";
import { type ContentArticle, ContentError, type ContentFile, loadContentFiles } from "../src/content";
import { MEDIA_MAX_BYTES, MEDIA_NAME_RULE, mediaEtag, mediaTypeOf } from "../src/media";
import type { FieldError } from "../src/problem";
import { isScheduled } from "../src/scheduler";

export type Fetch = (input: string, init?: RequestInit) => Response | Promise<Response>;

/** A feedwire server: its base URL, how to reach it and the publishing token (needed for writes only). */
export interface Remote {
  fetch: Fetch;
  url: string;
  token?: string;
}

/** The server's limits for one POST /api/batch (src/routes/api.ts), less room for the envelope. */
const BATCH_MAX = 100;
const BATCH_MAX_BYTES = 10 * 1024 * 1024 - 1024;
/**
 * Batches in flight at once. Each is answered once committed (respond-async), and the
 * Publisher carries all that arrived together in shared KV rounds; more in flight only
 * queue on its one-at-a-time commits.
 */
const BATCHES_IN_FLIGHT = 4;
/** How often, and how long at most, push asks whether the server's backlog reached KV. */
const BACKLOG_POLL_MS = 250;
const BACKLOG_WAIT_MS = 120_000;

/** A request the server answered with an error (not a problem with one article). */
export class SyncError extends Error {
  override name = "SyncError";
}

interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: FieldError[];
}

const call = (remote: Remote, path: string, init?: RequestInit) => remote.fetch(new URL(path, remote.url).href, init);

async function problemOf(res: Response): Promise<Problem> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Problem;
  } catch {
    return { status: res.status, title: res.statusText, detail: text.slice(0, 200) };
  }
}

async function failure(res: Response, what: string): Promise<SyncError> {
  const p = await problemOf(res);
  return new SyncError(`${what}: ${res.status} ${p.title}: ${p.detail}`);
}

/** An article as the server lists it, with where it stands (scheduled ones only with the token). */
export interface ServerArticle {
  article: Article;
  state: "live" | "scheduled";
  goesLiveAt?: string;
}

/** Every article on the server, following nextCursor page by page; with the token, scheduled ones too. */
export async function serverItems(remote: Remote): Promise<ServerArticle[]> {
  const items: ServerArticle[] = [];
  const headers: Record<string, string> = remote.token ? { Authorization: `Bearer ${remote.token}` } : {};
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: "100", ...(cursor ? { cursor } : {}) });
    const res = await call(remote, `/api/articles?${query}`, { headers });
    if (!res.ok) throw await failure(res, "could not list the server's articles");
    const page = (await res.json()) as { items: ServerArticle[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export const serverArticles = async (remote: Remote): Promise<Article[]> => (await serverItems(remote)).map((item) => item.article);

/** The server's SITE_URL (from its OpenAPI `servers`): root-relative image paths in files resolve against it. */
export async function serverSiteUrl(remote: Remote): Promise<string> {
  const res = await call(remote, "/api/openapi.json");
  if (!res.ok) throw await failure(res, "could not read the server's API description");
  const api = ((await res.json()) as { servers?: { url?: string }[] }).servers?.[0]?.url;
  if (!api?.endsWith("/api")) throw new SyncError("the server's API description does not give its site URL");
  return api.slice(0, -"/api".length);
}

/** The article as its file states it: without `updated` when the file leaves it to the server. */
const asStated = (local: ContentArticle, article: Article) => (local.explicitUpdated ? article : { ...article, updated: undefined });

/** Whether a file and a server article are the same article (`updated` counts only when the file gives it). */
export const isSame = (local: ContentArticle, server: Article): boolean =>
  canonicalJson(asStated(local, local.article)) === canonicalJson(asStated(local, server));

export interface PushReport {
  dryRun: boolean;
  /** Ids; in a dry run, what would be created or updated. */
  created: string[];
  updated: string[];
  unchanged: string[];
  failed: { id: string; path: string; errors: FieldError[] }[];
  warnings: (FieldError & { id: string })[];
  /** Ids the server has and content/ does not (push never deletes). */
  serverOnly: string[];
  /**
   * Articles sent or already there that are in no feed until their time, soonest first. In a dry run,
   * the ones that would be sent and would be held, by this machine's clock (the server's decides).
   */
  scheduled: { id: string; goesLiveAt: string }[];
}

export interface PushOptions {
  dryRun?: boolean;
  /** `files` as loadContentFiles read them for the same siteUrl, when the caller already did: spares validating them twice. */
  loaded?: ContentArticle[];
  onProgress?: (done: number, total: number) => void;
}

/**
 * Validates `files` (a ContentError before anything is sent), then sends the ones
 * that differ from the server, in batches within the server's limits, several at once,
 * each answered once committed; then waits until the feeds hold them all. A batch the
 * server refuses stores nothing; each of its articles is reported as failed.
 */
export async function push(remote: Remote, files: ContentFile[], siteUrl: string, options: PushOptions = {}): Promise<PushReport> {
  const local = options.loaded ?? loadContentFiles(files, siteUrl);
  const items = await serverItems(remote);
  const server = new Map(items.map((i) => [i.article.id, i.article]));
  const scheduled = new Map(items.flatMap((i) => (i.goesLiveAt ? [[i.article.id, i.goesLiveAt] as const] : [])));
  const localIds = new Set(local.map((l) => l.article.id));
  const report: PushReport = {
    dryRun: options.dryRun ?? false,
    created: [],
    updated: [],
    unchanged: [],
    failed: [],
    warnings: [],
    serverOnly: [...server.keys()].filter((id) => !localIds.has(id)),
    scheduled: [],
  };
  const changed = local.filter((l) => {
    const current = server.get(l.article.id);
    const same = current !== undefined && isSame(l, current);
    if (same) report.unchanged.push(l.article.id);
    const at = same && scheduled.get(l.article.id);
    if (at) report.scheduled.push({ id: l.article.id, goesLiveAt: at });
    return !same;
  });
  if (report.dryRun) {
    const now = Date.now();
    for (const { article } of changed) {
      (server.has(article.id) ? report.updated : report.created).push(article.id);
      if (isScheduled(Date.parse(article.published), now)) report.scheduled.push({ id: article.id, goesLiveAt: article.published });
    }
    return soonestFirst(report);
  }
  const queue = [...batches(changed)];
  let done = 0;
  const sender = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      await sendBatch(remote, batch, report);
      done += batch.length;
      options.onProgress?.(done, changed.length);
    }
  };
  await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, sender));
  if (report.created.length + report.updated.length) await backlogDrained(remote);
  return soonestFirst(report);
}

function soonestFirst(report: PushReport): PushReport {
  report.scheduled.sort((a, b) => Date.parse(a.goesLiveAt) - Date.parse(b.goesLiveAt) || (a.id < b.id ? -1 : 1));
  return report;
}

/** Resolves once the server's feeds hold everything it has accepted (GET /api/backlog is empty). */
async function backlogDrained(remote: Remote): Promise<void> {
  const headers = { Authorization: `Bearer ${remote.token ?? ""}` };
  for (const started = Date.now(); Date.now() - started < BACKLOG_WAIT_MS; await new Promise((r) => setTimeout(r, BACKLOG_POLL_MS))) {
    const res = await call(remote, "/api/backlog", { headers });
    if (!res.ok) throw await failure(res, "could not ask the server whether its feeds hold the push");
    const backlog = (await res.json()) as { articles: number; documents: boolean };
    if (backlog.articles === 0 && !backlog.documents) return;
  }
  throw new SyncError(`the server accepted the push, but its feeds did not hold it within ${BACKLOG_WAIT_MS / 1000} s; it keeps trying`);
}

function* batches(items: ContentArticle[]): Generator<ContentArticle[]> {
  const encoder = new TextEncoder();
  let batch: ContentArticle[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = encoder.encode(JSON.stringify(asStated(item, item.article))).length + 1;
    if (batch.length === BATCH_MAX || (batch.length > 0 && bytes + size > BATCH_MAX_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length) yield batch;
}

async function sendBatch(remote: Remote, batch: ContentArticle[], report: PushReport): Promise<void> {
  const res = await call(remote, "/api/batch", {
    method: "POST",
    headers: { Authorization: `Bearer ${remote.token ?? ""}`, "Content-Type": "application/json", Prefer: "respond-async" },
    body: JSON.stringify({ articles: batch.map((l) => asStated(l, l.article)) }),
  });
  if (res.ok) {
    const { results } = (await res.json()) as {
      results: { id: string; status: "created" | "updated" | "unchanged"; goesLiveAt?: string; warnings: FieldError[] }[];
    };
    for (const r of results) {
      report[r.status].push(r.id);
      if (r.goesLiveAt) report.scheduled.push({ id: r.id, goesLiveAt: r.goesLiveAt });
      report.warnings.push(...r.warnings.map((w) => ({ id: r.id, ...w })));
    }
    return;
  }
  const problem = await problemOf(res);
  const whole = problem.errors?.length
    ? "not stored: the server refused another article in the same batch"
    : `${res.status} ${problem.title}: ${problem.detail}`;
  batch.forEach((l, index) => {
    const own = problem.errors?.filter((e) => e.index === index) ?? [];
    report.failed.push({ id: l.article.id, path: l.path, errors: own.length ? own : [{ field: "(request)", reason: whole }] });
  });
}

/** An image from content/media/, uploaded as /media/{its file name}. */
export interface MediaFile {
  path: string;
  bytes: Uint8Array;
}

export interface MediaPushReport {
  dryRun: boolean;
  /** Names; in a dry run, what would be created or replaced. */
  created: string[];
  replaced: string[];
  unchanged: string[];
  failed: { name: string; path: string; reason: string }[];
}

const mediaName = (file: MediaFile) => file.path.split("/").pop() ?? "";

/** Every media file the server would refuse for its name or size, all at once (a ContentError), before anything is sent. */
export function checkMediaFiles(files: MediaFile[]): void {
  const problems = files.flatMap((file) => {
    const problem = (field: string, reason: string) => [{ file: file.path, field, reason }];
    if (!mediaTypeOf(mediaName(file))) return problem("(file name)", MEDIA_NAME_RULE);
    if (file.bytes.length === 0) return problem("(file)", "must not be empty");
    if (file.bytes.length > MEDIA_MAX_BYTES) return problem("(file)", `must be at most ${MEDIA_MAX_BYTES / 1024 / 1024} MiB`);
    return [];
  });
  if (problems.length) throw new ContentError(problems);
}

/**
 * Checks `files`, then uploads the ones that differ from the server's: a file whose
 * SHA-256 ETag equals the one HEAD /api/media/{name} answers costs that HEAD and no upload.
 */
export async function pushMedia(remote: Remote, files: MediaFile[], options: PushOptions = {}): Promise<MediaPushReport> {
  checkMediaFiles(files);
  const report: MediaPushReport = { dryRun: options.dryRun ?? false, created: [], replaced: [], unchanged: [], failed: [] };
  const changed: { file: MediaFile; name: string; status: "created" | "replaced" }[] = [];
  for (const file of files) {
    const name = mediaName(file);
    const res = await call(remote, `/api/media/${name}`, { method: "HEAD" });
    if (res.status !== 200 && res.status !== 404) throw await failure(res, `could not check ${name} on the server`);
    if (res.status === 200 && res.headers.get("ETag") === mediaEtag(file.bytes)) report.unchanged.push(name);
    else changed.push({ file, name, status: res.status === 200 ? "replaced" : "created" });
  }
  if (report.dryRun) {
    for (const c of changed) report[c.status].push(c.name);
    return report;
  }
  let done = 0;
  for (const { file, name } of changed) {
    const res = await call(remote, `/api/media/${name}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${remote.token ?? ""}`, "Content-Type": mediaTypeOf(name) ?? "" },
      body: file.bytes,
    });
    if (res.ok) report[((await res.json()) as { status: "created" | "replaced" | "unchanged" }).status].push(name);
    else {
      const problem = await problemOf(res);
      report.failed.push({ name, path: file.path, reason: `${res.status} ${problem.title}: ${problem.detail}` });
    }
    options.onProgress?.(++done, changed.length);
  }
  return report;
}

export interface PullReport {
  /** Paths of new files, of files rewritten in place, and of Markdown files replaced by HTML ones. */
  created: string[];
  updated: string[];
  replaced: { from: string; to: string }[];
  unchanged: string[];
  /** Files whose ids the server does not have (pull never deletes them). */
  localOnly: string[];
}

export interface PullResult {
  writes: ContentFile[];
  deletes: string[];
  report: PullReport;
}

/**
 * What to write so that `files` hold the server's articles. A file that is the same
 * as the server's article is left as it is; any other becomes `<id>.html` where its
 * file was (a Markdown file is replaced), or in `dir` for an id with no file yet.
 */
export async function pull(remote: Remote, files: ContentFile[], siteUrl: string, dir: string): Promise<PullResult> {
  const local = new Map(loadContentFiles(files, siteUrl).map((l) => [l.article.id, l]));
  const server = await serverArticles(remote);
  const result: PullResult = { writes: [], deletes: [], report: { created: [], updated: [], replaced: [], unchanged: [], localOnly: [] } };
  const { report } = result;
  for (const article of server) {
    const mine = local.get(article.id);
    if (mine && isSame(mine, article)) {
      report.unchanged.push(mine.path);
      continue;
    }
    const path = mine ? mine.path.replace(/\.md$/, ".html") : `${dir.replace(/\/+$/, "")}/${article.id}.html`;
    result.writes.push({ path, text: articleFile(article, siteUrl) });
    if (!mine) report.created.push(path);
    else if (mine.path === path) report.updated.push(path);
    else {
      result.deletes.push(mine.path);
      report.replaced.push({ from: mine.path, to: path });
    }
  }
  const onServer = new Set(server.map((a) => a.id));
  report.localOnly = [...local.values()].filter((l) => !onServer.has(l.article.id)).map((l) => l.path);
  return result;
}

/** `value`'s defined fields in the order `shape` declares them. */
const inOrder = <T extends object>(value: T, shape: object): T =>
  Object.fromEntries(Object.keys(shape).flatMap((k) => (value[k as keyof T] === undefined ? [] : [[k, value[k as keyof T]]]))) as T;

/**
 * An article as an `.html` content file: front matter with every field but id and
 * contentHtml (in the model's order, `updated` included, strings double-quoted so
 * dates stay strings), then contentHtml verbatim. An image on the site's own origin
 * is written root-relative, so the file does not tie itself to one SITE_URL.
 */
export function articleFile(article: Article, siteUrl: string): string {
  const { id: _, contentHtml, ...fields } = article;
  const origin = new URL(siteUrl).origin;
  const image = fields.image && inOrder(fields.image, ImageSchema.shape);
  if (image?.url.startsWith(`${origin}/`)) image.url = image.url.slice(origin.length);
  const doc = new Document(
    inOrder({ ...fields, authors: fields.authors.map((a) => inOrder(a, AuthorSchema.shape)), image }, ArticleSchema.in.shape),
  );
  (doc.get("tags", true) as YAMLSeq).flow = true;
  const frontMatter = doc.toString({ defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", doubleQuotedAsJSON: true, lineWidth: 0 });
  return `---\n${frontMatter}---\n${contentHtml ?? ""}\n`;
}
