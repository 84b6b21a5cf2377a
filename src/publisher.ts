import { DurableObject } from "cloudflare:workers";
import { type Article, articleEtag, canonicalJson } from "./article";
import { inOffsetOf } from "./dates";
import { sha256Base64url } from "./hash";
import { strongMatch, type TagList, weakMatch } from "./http/preconditions";
import { settingsFrom } from "./settings";
import { EMPTY_FEED, type FeedIndex, KEYS, MAIN_SCOPE, writeArticle, writeFeedIndex, writeRetraction } from "./store";

/** One article to store, with what the request said about it. */
export interface Submission {
  article: Article;
  /** Whether the publisher gave `updated`; when not, an edit sets it to now. */
  explicitUpdated: boolean;
  ifMatch?: TagList;
  ifNoneMatch?: TagList;
}

export interface Versioned {
  article: Article;
  etag: string;
}

export type PutOutcome = (Versioned & { status: "created" | "updated" | "unchanged" }) | { status: "precondition-failed" };
export type RemoveOutcome = "retracted" | "not-found" | "precondition-failed";

/** What a write returns: its outcome, and the feed index KV holds after it (for the caller's isolate to use at once). */
export interface Written<T> {
  outcome: T;
  index?: FeedIndex;
}

/** KV allows one write per second to a key; no key is written faster. */
const KEY_WRITE_INTERVAL_MS = 1000;
/** KV writes per flush round, well under the 1,000 operations an invocation may make. */
const FLUSH_BATCH = 500;
const RETRY_MS = 5000;

interface Row extends Record<string, SqlStorageValue> {
  id: string;
  json: string;
  etag: string;
  updated_ms: number;
  retracted: string | null;
}

/**
 * The single writer. Every publish, edit and retraction is serialised here (a Durable
 * Object runs one request at a time between awaits and its SQLite storage is strongly
 * consistent), so concurrent writers never lose an update to the shared feed index.
 * SQLite is the system of record for the publisher API; KV is the edge copy the feeds
 * are served from. Changes reach KV through an outbox: each request waits until a flush
 * that started after its commit has written them, flushes run one after another and
 * always write the newest state, and an alarm retries one that failed.
 */
export class Publisher extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;
  private flushes: Promise<void> = Promise.resolve();
  /** When each KV key was last written by this object. */
  private readonly written = new Map<string, number>();
  /** The feed index this object last wrote to KV. */
  private lastIndex?: FeedIndex;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS articles (
      id TEXT PRIMARY KEY, json TEXT NOT NULL, etag TEXT NOT NULL,
      published_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, retracted TEXT)`);
    this.sql.exec("CREATE INDEX IF NOT EXISTS articles_newest ON articles (published_ms DESC, id)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, seq INTEGER NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    // Changes committed before a restart but not yet in KV are flushed at once.
    if (this.sql.exec("SELECT 1 FROM outbox LIMIT 1").toArray().length > 0) void ctx.storage.setAlarm(Date.now());
  }

  async get(id: string): Promise<Versioned | null> {
    const row = this.row(id);
    return row && !row.retracted ? { article: JSON.parse(row.json), etag: row.etag } : null;
  }

  /** Newest first; `after` is the last item of the previous page. */
  async list(limit: number, after?: { published: number; id: string }): Promise<Versioned[]> {
    return this.newest(limit, after).map((row) => ({ article: JSON.parse(row.json), etag: row.etag }));
  }

  /**
   * Stores submissions all or nothing: when any precondition fails, nothing changes.
   * A submission equal to what is stored changes nothing (no new `updated`, no write).
   */
  async put(submissions: Submission[]): Promise<Written<PutOutcome[]>> {
    // The read-check-write must not interleave with another write: hashing awaits,
    // and a Durable Object otherwise accepts new requests while it does.
    const outcome = await this.ctx.blockConcurrencyWhile(() => this.commit(submissions));
    await this.sync();
    return { outcome, index: this.lastIndex };
  }

  private async commit(submissions: Submission[]): Promise<PutOutcome[]> {
    const now = Date.now();
    const planned: { outcome: PutOutcome; json: string }[] = [];
    for (const s of submissions) {
      const current = this.row(s.article.id);
      const live = current && !current.retracted ? current : null;
      if ((s.ifMatch && !(live && strongMatch(s.ifMatch, live.etag))) || (s.ifNoneMatch && live && weakMatch(s.ifNoneMatch, live.etag))) {
        return submissions.map(() => ({ status: "precondition-failed" }));
      }
      let article = s.article;
      if (live && !s.explicitUpdated) {
        const stored: Article = JSON.parse(live.json);
        article = { ...article, updated: stored.updated };
        if (canonicalJson(article) !== live.json) {
          article = { ...article, updated: inOffsetOf(Math.max(now, Date.parse(article.published)), article.published) };
        }
      }
      const json = canonicalJson(article);
      const status = !live ? "created" : json === live.json ? "unchanged" : "updated";
      planned.push({ outcome: { status, article, etag: await articleEtag(article) }, json });
    }
    this.ctx.storage.transactionSync(() => {
      for (const { outcome, json } of planned) {
        if (outcome.status !== "created" && outcome.status !== "updated") continue;
        const { article, etag } = outcome;
        this.sql.exec(
          `INSERT INTO articles (id, json, etag, published_ms, updated_ms, retracted) VALUES (?, ?, ?, ?, ?, NULL)
           ON CONFLICT (id) DO UPDATE SET json = excluded.json, etag = excluded.etag,
             published_ms = excluded.published_ms, updated_ms = excluded.updated_ms, retracted = NULL`,
          article.id,
          json,
          etag,
          Date.parse(article.published),
          Date.parse(article.updated),
        );
        this.enqueue(article.id);
      }
    });
    return planned.map((p) => p.outcome);
  }

  /** Retracts an article: it leaves every feed, and its page answers 410 Gone. */
  async remove(id: string, ifMatch?: TagList): Promise<Written<RemoveOutcome>> {
    const row = this.row(id);
    if (!row || row.retracted) return { outcome: "not-found" };
    if (ifMatch && !strongMatch(ifMatch, row.etag)) return { outcome: "precondition-failed" };
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("UPDATE articles SET retracted = ? WHERE id = ?", new Date().toISOString(), id);
      this.enqueue(id);
    });
    await this.sync();
    return { outcome: "retracted", index: this.lastIndex };
  }

  override async alarm(): Promise<void> {
    await this.sync();
  }

  private row(id: string): Row | null {
    return this.sql.exec<Row>("SELECT * FROM articles WHERE id = ?", id).toArray()[0] ?? null;
  }

  private enqueue(id: string): void {
    this.sql.exec(
      "INSERT INTO outbox (id, seq) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM outbox)) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
      id,
    );
  }

  /**
   * Resolves once KV holds everything committed before the call. A change is committed
   * once SQLite has it: if KV refuses a write, the alarm retries and the caller is not
   * told that a stored change failed.
   */
  private async sync(): Promise<void> {
    const flush = this.flushes.then(() => this.flush());
    this.flushes = flush.catch((e) => {
      console.error("publisher: KV flush failed, retrying:", e);
      return this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
    });
    await this.flushes;
  }

  /**
   * One round: the pending articles, then the feed index as it stood when they were
   * read (so the index never names an article KV does not have yet). Each key is
   * written at most once a second (KV's limit); a backlog continues from the alarm,
   * keeping an invocation well under KV's 1,000 operations.
   */
  private async flush(): Promise<void> {
    const pending = this.sql.exec<{ id: string; seq: number }>("SELECT id, seq FROM outbox ORDER BY seq LIMIT ?", FLUSH_BATCH).toArray();
    if (pending.length === 0) return;
    const rows = pending.map(({ id }) => this.row(id));
    const feed = this.feedRows();
    const kv = this.env.ARTICLES;
    await Promise.all(
      rows.map(async (row) => {
        if (!row) return;
        await this.spaced(KEYS.article(row.id));
        await (row.retracted ? writeRetraction(kv, row.id, row.retracted) : writeArticle(kv, JSON.parse(row.json)));
      }),
    );
    const version = feed.length ? await sha256Base64url(feed.map((r) => `${r.id} ${r.etag}`).join("\n")) : EMPTY_FEED.version;
    const last = this.meta("index");
    if (version !== last?.version) {
      // Last-Modified moves forward whenever the feed changes (a retraction or a back-dated
      // article too), so If-Modified-Since never misses a change; never past now.
      const newest = feed.length ? Math.min(Math.max(...feed.map((r) => r.updated_ms)), Date.now()) : 0;
      const lastModified = last ? Math.max(newest, last.lastModified + 1000) : newest;
      await this.spaced(KEYS.feed(MAIN_SCOPE));
      const index: FeedIndex = { version, lastModified, items: feed.map((r) => [r.id, r.etag]) };
      await writeFeedIndex(kv, index);
      this.setMeta("index", { version, lastModified });
      this.lastIndex = index;
    }
    for (const { id, seq } of pending) this.sql.exec("DELETE FROM outbox WHERE id = ? AND seq = ?", id, seq);
    if (this.sql.exec("SELECT 1 FROM outbox LIMIT 1").toArray().length > 0) await this.ctx.storage.setAlarm(Date.now());
  }

  /** Waits until `key` was last written at least a second ago (KV allows one write per second per key). */
  private async spaced(key: string): Promise<void> {
    const wait = (this.written.get(key) ?? 0) + KEY_WRITE_INTERVAL_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.written.set(key, Date.now());
    if (this.written.size > FLUSH_BATCH * 4) {
      for (const [k, at] of this.written) if (Date.now() - at >= KEY_WRITE_INTERVAL_MS) this.written.delete(k);
    }
  }

  /** The main feed as it stands: its newest ITEMS_PER_FEED live articles. */
  private feedRows(): Row[] {
    return this.newest(settingsFrom(this.env).itemsPerFeed);
  }

  /** Live articles, newest first (ties by id), after `after` when given: feeds and API pages share this order. */
  private newest(limit: number, after = { published: Number.MAX_SAFE_INTEGER, id: "" }): Row[] {
    return this.sql
      .exec<Row>(
        `SELECT * FROM articles WHERE retracted IS NULL AND (published_ms < ? OR (published_ms = ? AND id > ?))
         ORDER BY published_ms DESC, id LIMIT ?`,
        after.published,
        after.published,
        after.id,
        limit,
      )
      .toArray();
  }

  private meta(key: string): { version: string; lastModified: number } | undefined {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row ? JSON.parse(row.value) : undefined;
  }

  private setMeta(key: string, value: { version: string; lastModified: number }): void {
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      JSON.stringify(value),
    );
  }
}
