import { DurableObject } from "cloudflare:workers";
import { type Article, articleEtag, canonicalJson } from "./article";
import { inOffsetOf } from "./dates";
import { documentUrls } from "./feed/formats";
import { sha256Base64url } from "./hash";
import { strongMatch, type TagList, weakMatch } from "./http/preconditions";
import { changedIndexes, createPagingTables, hasDirty, type Plan, placeArticle, planDocuments, recordPlan, scopeList } from "./paging";
import { parseScopeKey } from "./scopes";
import { settingsFrom } from "./settings";
import { deleteFeedIndex, type FeedIndex, KEYS, writeArticle, writeFeedIndex, writeRetraction, writeScopes } from "./store";
import { createPingTable, deliverPings, queuePings } from "./websub";

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

/**
 * What a write returns: its outcome, and the feed documents the flush that
 * carried it wrote to KV, by key (null: deleted), for the caller's isolate to use at once.
 */
export interface Written<T> {
  outcome: T;
  indexes?: Record<string, FeedIndex | null>;
}

/** KV allows one write per second to a key; no key is written faster. */
const KEY_WRITE_INTERVAL_MS = 1000;
/**
 * KV writes per flush round, under the 1,000 operations an invocation may make: up to
 * FLUSH_BATCH articles, then documents. One scope's documents in a round are at most about
 * two per article (the position it left and the one it took) plus its splits, so the
 * first scope taken, which always is, fits too.
 */
const KV_WRITES_PER_ROUND = 950;
const FLUSH_BATCH = 300;
const RETRY_MS = 5000;
/** Read-your-writes covers a flush that wrote at most this many documents (else the caller re-reads KV). */
const RETURNED_INDEXES = 32;

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
  /** The feed documents the last flush wrote. */
  private lastWritten?: Record<string, FeedIndex | null>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS articles (
      id TEXT PRIMARY KEY, json TEXT NOT NULL, etag TEXT NOT NULL,
      published_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, retracted TEXT)`);
    this.sql.exec("CREATE INDEX IF NOT EXISTS articles_newest ON articles (published_ms DESC, id)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, seq INTEGER NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    createPagingTables(this.sql);
    createPingTable(this.sql);
    // Articles stored before feeds had scopes and pages: place them once.
    if (this.sql.exec("SELECT 1 FROM members LIMIT 1").toArray().length === 0) {
      for (const row of this.sql.exec<Row>("SELECT * FROM articles WHERE retracted IS NULL"))
        placeArticle(this.sql, row.id, JSON.parse(row.json));
    }
    // Changes committed before a restart but not yet in KV are flushed at once.
    if (this.pendingWork()) void ctx.storage.setAlarm(Date.now());
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
    return { outcome, indexes: this.lastWritten };
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
        placeArticle(this.sql, article.id, article);
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
      placeArticle(this.sql, id, null);
      this.enqueue(id);
    });
    await this.sync();
    return { outcome: "retracted", indexes: this.lastWritten };
  }

  override async alarm(): Promise<void> {
    await this.sync();
    const next = await deliverPings(this.sql);
    if (next !== undefined) await this.wake(next);
  }

  /** Sets the alarm for `at` unless it is already set sooner. */
  private async wake(at: number): Promise<void> {
    const set = await this.ctx.storage.getAlarm();
    if (set === null || at < set) await this.ctx.storage.setAlarm(at);
  }

  private pendingWork(): boolean {
    return this.sql.exec("SELECT 1 FROM outbox LIMIT 1").toArray().length > 0 || hasDirty(this.sql);
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
      return this.wake(Date.now() + RETRY_MS);
    });
    await this.flushes;
  }

  /**
   * One round: the pending articles, then the feed documents as they stood when those
   * were read, and only when they were all that was pending, so a document never names
   * an article version KV does not have yet. Each key is written at most once a second
   * (KV's limit); a backlog continues from the alarm, keeping an invocation well under
   * KV's 1,000 operations.
   */
  private async flush(): Promise<void> {
    this.lastWritten = undefined; // a round that writes no documents tells callers to read KV
    const pending = this.sql.exec<{ id: string; seq: number }>("SELECT id, seq FROM outbox ORDER BY seq LIMIT ?", FLUSH_BATCH).toArray();
    const backlog = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n > pending.length;
    if (pending.length === 0 && !hasDirty(this.sql)) return;
    const rows = pending.map(({ id }) => this.row(id));
    // Room for the articles and the scope list; the documents get the rest.
    const budget = KV_WRITES_PER_ROUND - pending.length - 1;
    const plan = backlog ? undefined : planDocuments(this.sql, settingsFrom(this.env).itemsPerFeed, budget);
    const kv = this.env.ARTICLES;
    await Promise.all(
      rows.map(async (row) => {
        if (!row) return;
        await this.spaced(KEYS.article(row.id));
        await (row.retracted ? writeRetraction(kv, row.id, row.retracted) : writeArticle(kv, JSON.parse(row.json)));
      }),
    );
    if (plan) await this.writeDocuments(plan);
    for (const { id, seq } of pending) this.sql.exec("DELETE FROM outbox WHERE id = ? AND seq = ?", id, seq);
    if (this.pendingWork()) await this.wake(Date.now());
  }

  /** Writes the plan's changed documents (and the scope list, if it changed), then queues the hub pings. */
  private async writeDocuments(plan: Plan): Promise<void> {
    const kv = this.env.ARTICLES;
    const settings = settingsFrom(this.env);
    const changed = await changedIndexes(this.sql, plan.docs, Date.now());
    const written: Record<string, FeedIndex | null> = {};
    await Promise.all([
      ...changed.map(async ({ doc, index }) => {
        const key = KEYS.feed(doc.scope, doc.page);
        await this.spaced(key);
        await writeFeedIndex(kv, key, index);
        written[key] = index;
      }),
      ...plan.emptied.flatMap(({ scope, pages }) =>
        pages.map(async (page) => {
          const key = KEYS.feed(scope, page);
          await this.spaced(key);
          await deleteFeedIndex(kv, key);
          written[key] = null;
        }),
      ),
    ]);
    recordPlan(this.sql, plan, changed);
    this.lastWritten = Object.keys(written).length <= RETURNED_INDEXES ? written : undefined;
    // Subscribers follow the current documents; archive pages advertise no hub.
    const urls = changed
      .filter(({ doc }) => doc.page === 0)
      .flatMap(({ doc }) => Object.values(documentUrls(settings.siteUrl, parseScopeKey(doc.scope))));
    if (settings.hubs.length > 0 && urls.length > 0) {
      const due = Date.now() + settings.pingDelayMs;
      queuePings(this.sql, settings.hubs, urls, due);
      await this.wake(due);
    }
    // Compared with what KV holds on every round, so a failed write is retried by the next.
    await this.writeScopeList();
  }

  private async writeScopeList(): Promise<void> {
    const scopes = scopeList(this.sql);
    const version = await sha256Base64url(JSON.stringify(scopes));
    const last = this.meta("scopes");
    if (version === last?.version) return;
    const lastModified = last ? Math.max(Date.now(), last.lastModified + 1000) : Date.now();
    await this.spaced(KEYS.scopes);
    await writeScopes(this.env.ARTICLES, { version, lastModified, scopes });
    this.setMeta("scopes", { version, lastModified });
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
