import { DurableObject } from "cloudflare:workers";
import { type Article, articleEtag, canonicalJson } from "./article";
import { inOffsetOf } from "./dates";
import { createOutbox, enqueue, KvFlusher, pendingWork } from "./flush";
import { strongMatch, type TagList, weakMatch } from "./http/preconditions";
import { createPagingTables, hasDirty, placeArticle } from "./paging";
import { type Carried, Rounds } from "./rounds";
import { createScheduleTable, dueAt, dueBy, heldSql, hold, isScheduled, nextDue, unhold } from "./scheduler";
import { createPingTable, deliverPings } from "./websub";

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
  /** Held until its `published` instant (src/scheduler.ts): in no public document yet. */
  scheduled: boolean;
}

/** Which articles a list holds: the public ones, the scheduled ones (soonest first), or both. */
export type ListState = "live" | "scheduled" | "all";

export type PutOutcome = (Versioned & { status: "created" | "updated" | "unchanged" }) | { status: "precondition-failed" };
export type RemoveOutcome = "retracted" | "not-found" | "precondition-failed";

/** What a write returns: its outcome, and whether KV holds it yet. */
export interface Written<T> {
  outcome: T;
  inKv: boolean;
  /** When KV holds it: the feed documents the round that carried it wrote, by key, for the caller's isolate to use at once. */
  indexes?: Carried["indexes"];
  /** When KV does not hold it yet: when it is expected to, ms since the epoch. */
  expectedAt?: number;
}

/** What the outbox holds: changes committed here and not yet in KV. */
export interface Backlog {
  articles: number;
  documents: boolean;
  /** When KV is expected to hold all of it, ms since the epoch; absent when nothing is pending. */
  expectedAt?: number;
}

/** How long a write waits: until KV holds it (the default), or only until it is committed here (RFC 7240 respond-async). */
export interface WriteOptions {
  respondAsync?: boolean;
}

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
 * are served from. Changes reach KV through an outbox, in rounds that concurrent writers
 * share (src/rounds.ts): a writer waits for the round that carries its commit, or with
 * respond-async only for the commit, and the alarm carries what nobody waits for.
 */
export class Publisher extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;
  private readonly rounds: Rounds;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS articles (
      id TEXT PRIMARY KEY, json TEXT NOT NULL, etag TEXT NOT NULL,
      published_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, retracted TEXT)`);
    this.sql.exec("CREATE INDEX IF NOT EXISTS articles_newest ON articles (published_ms DESC, id)");
    createOutbox(this.sql);
    createPagingTables(this.sql);
    createPingTable(this.sql);
    createScheduleTable(this.sql);
    // Articles stored before feeds had scopes and pages: place them once.
    if (this.sql.exec("SELECT 1 FROM members LIMIT 1").toArray().length === 0) {
      for (const row of this.sql.exec<Row>("SELECT * FROM articles WHERE retracted IS NULL"))
        placeArticle(this.sql, row.id, JSON.parse(row.json));
    }
    const wake = (at: number) => this.wake(at);
    this.rounds = new Rounds(new KvFlusher(this.sql, env, wake), wake);
    // Changes committed before a restart but not yet in KV are flushed at once.
    if (pendingWork(this.sql)) void ctx.storage.setAlarm(Date.now());
    // The alarm is durable, and re-armed after every run; this only guards a schedule whose alarm was lost.
    const due = nextDue(this.sql);
    if (due !== undefined) void this.wake(due);
  }

  async get(id: string): Promise<Versioned | null> {
    const row = this.row(id);
    return row && !row.retracted ? this.versioned(row) : null;
  }

  /** Newest first, or for scheduled ones soonest first; `after` is the last item of the previous page. */
  async list(limit: number, after?: { published: number; id: string }, state: ListState = "live"): Promise<Versioned[]> {
    return (state === "scheduled" ? this.soonest(limit, after) : this.newest(limit, after, state)).map((row) => this.versioned(row));
  }

  /**
   * Stores submissions all or nothing: when any precondition fails, nothing changes.
   * A submission equal to what is stored changes nothing (no new `updated`, no write).
   */
  async put(submissions: Submission[], options: WriteOptions = {}): Promise<Written<PutOutcome[]>> {
    // Synchronous, so the read-check-write cannot interleave with another write.
    const { outcome, seq } = this.commit(submissions);
    const due = outcome.some((o) => o.status !== "precondition-failed" && o.scheduled) ? nextDue(this.sql) : undefined;
    if (due !== undefined) await this.wake(due);
    return this.settle(outcome, seq, options);
  }

  private commit(submissions: Submission[]): { outcome: PutOutcome[]; seq: number } {
    const now = Date.now();
    const planned: { outcome: PutOutcome; json: string }[] = [];
    for (const s of submissions) {
      const current = this.row(s.article.id);
      const live = current && !current.retracted ? current : null;
      if ((s.ifMatch && !(live && strongMatch(s.ifMatch, live.etag))) || (s.ifNoneMatch && live && weakMatch(s.ifNoneMatch, live.etag))) {
        return { outcome: submissions.map(() => ({ status: "precondition-failed" })), seq: 0 };
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
      // Unchanged keeps its state; otherwise the server's clock decides.
      const scheduled =
        status === "unchanged" ? dueAt(this.sql, article.id) !== undefined : isScheduled(Date.parse(article.published), now);
      planned.push({ outcome: { status, article, etag: articleEtag(article), scheduled }, json });
    }
    const changed = planned.filter(({ outcome }) => outcome.status === "created" || outcome.status === "updated");
    if (changed.length === 0) return { outcome: planned.map((p) => p.outcome), seq: 0 };
    let toKv = false;
    this.ctx.storage.transactionSync(() => {
      for (const { outcome, json } of changed) {
        if (outcome.status === "precondition-failed") continue;
        const { article, etag, scheduled } = outcome;
        const current = this.row(article.id);
        const shown = current !== null && !current.retracted && dueAt(this.sql, article.id) === undefined;
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
        if (scheduled) hold(this.sql, article.id, Date.parse(article.published));
        else unhold(this.sql, article.id);
        // A scheduled article KV never showed needs nothing there; one it showed leaves every document.
        if (scheduled && !shown) continue;
        placeArticle(this.sql, article.id, scheduled ? null : article);
        enqueue(this.sql, article.id);
        toKv = true;
      }
    });
    return { outcome: planned.map((p) => p.outcome), seq: toKv ? this.rounds.commit() : 0 };
  }

  /**
   * Retracts an article: it leaves every feed, and its page answers 410 Gone. A scheduled
   * one is cancelled: it was never public, so nothing public changes and its page stays 404.
   */
  async remove(id: string, ifMatch?: TagList, options: WriteOptions = {}): Promise<Written<RemoveOutcome>> {
    const row = this.row(id);
    if (!row || row.retracted) return { outcome: "not-found", inKv: true };
    if (ifMatch && !strongMatch(ifMatch, row.etag)) return { outcome: "precondition-failed", inKv: true };
    const scheduled = dueAt(this.sql, id) !== undefined;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("UPDATE articles SET retracted = ? WHERE id = ?", new Date().toISOString(), id);
      if (scheduled) return unhold(this.sql, id);
      placeArticle(this.sql, id, null);
      enqueue(this.sql, id);
    });
    return this.settle("retracted" as const, scheduled ? 0 : this.rounds.commit(), options);
  }

  /**
   * Answers a write once KV holds commit `seq` (0: nothing changed), or at once with
   * respond-async, the alarm then set to carry it. Either way the commit is durable:
   * the output gate holds the answer until SQLite has it.
   */
  private async settle<T>(outcome: T, seq: number, { respondAsync }: WriteOptions): Promise<Written<T>> {
    if (seq === 0) return { outcome, inKv: true };
    if (respondAsync) {
      await this.wake(this.rounds.nextRoundAt());
      return { outcome, inKv: false, expectedAt: this.rounds.expectedAt() };
    }
    const carried = await this.rounds.carry(seq);
    return carried.inKv
      ? { outcome, inKv: true, indexes: carried.indexes }
      : { outcome, inKv: false, expectedAt: this.rounds.expectedAt() };
  }

  /** What is committed and not yet in KV: a client that published with respond-async can wait for it to drain. */
  async backlog(): Promise<Backlog> {
    const articles = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n;
    const documents = hasDirty(this.sql);
    return { articles, documents, expectedAt: articles || documents ? this.rounds.expectedAt() : undefined };
  }

  /** Carries pending changes no writer waits for (respond-async, retries, backlogs), then sends the hub pings due. */
  override async alarm(): Promise<void> {
    this.release();
    if (pendingWork(this.sql)) await this.rounds.runOne();
    const ping = await deliverPings(this.sql);
    if (ping !== undefined) await this.wake(ping);
    const due = nextDue(this.sql);
    if (due !== undefined) await this.wake(due);
    if (pendingWork(this.sql)) await this.wake(this.rounds.nextRoundAt());
  }

  /**
   * Publishes the scheduled articles whose time has come, all in one commit, so the round
   * that follows adds them to every document they belong to at once. Synchronous, so no
   * write interleaves with it.
   */
  private release(): void {
    const ids = dueBy(this.sql, Date.now());
    if (ids.length === 0) return;
    this.ctx.storage.transactionSync(() => {
      for (const id of ids) {
        unhold(this.sql, id);
        placeArticle(this.sql, id, JSON.parse((this.row(id) as Row).json));
        enqueue(this.sql, id);
      }
    });
    this.rounds.commit();
  }

  /** Sets the alarm for `at` unless it is already set sooner. */
  private async wake(at: number): Promise<void> {
    const set = await this.ctx.storage.getAlarm();
    if (set === null || at < set) await this.ctx.storage.setAlarm(at);
  }

  private row(id: string): Row | null {
    return this.sql.exec<Row>("SELECT * FROM articles WHERE id = ?", id).toArray()[0] ?? null;
  }

  private versioned(row: Row): Versioned {
    return { article: JSON.parse(row.json), etag: row.etag, scheduled: dueAt(this.sql, row.id) !== undefined };
  }

  /** Stored articles (public ones, or all), newest first (ties by id), after `after` when given: feeds and API pages share this order. */
  private newest(limit: number, after = { published: Number.MAX_SAFE_INTEGER, id: "" }, state: "live" | "all" = "live"): Row[] {
    const live = state === "live" ? `AND NOT ${heldSql("articles.id")}` : "";
    return this.sql
      .exec<Row>(
        `SELECT * FROM articles WHERE retracted IS NULL ${live} AND (published_ms < ? OR (published_ms = ? AND id > ?))
         ORDER BY published_ms DESC, id LIMIT ?`,
        after.published,
        after.published,
        after.id,
        limit,
      )
      .toArray();
  }

  /** Scheduled articles, soonest first (ties by id), after `after` when given. */
  private soonest(limit: number, after = { published: Number.MIN_SAFE_INTEGER, id: "" }): Row[] {
    return this.sql
      .exec<Row>(
        `SELECT a.* FROM schedule s JOIN articles a ON a.id = s.id WHERE s.due_ms > ? OR (s.due_ms = ? AND s.id > ?)
         ORDER BY s.due_ms, s.id LIMIT ?`,
        after.published,
        after.published,
        after.id,
        limit,
      )
      .toArray();
  }
}
