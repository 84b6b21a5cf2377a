import type { Article } from "./article";
import { documentUrls } from "./feed/formats";
import { sha256Base64url } from "./hash";
import { changedIndexes, hasDirty, type Plan, planDocuments, recordPlan, scopeList } from "./paging";
import { heldSql } from "./scheduler";
import { parseScopeKey } from "./scopes";
import { settingsFrom } from "./settings";
import { deleteArticle, deleteFeedIndex, type FeedIndex, KEYS, writeArticle, writeFeedIndex, writeRetraction, writeScopes } from "./store";
import { queuePings } from "./websub";

/** KV allows one write per second to a key; no key is written faster. */
export const KEY_WRITE_INTERVAL_MS = 1000;
/**
 * KV writes per flush round, under the 1,000 operations an invocation may make: up to
 * ARTICLES_PER_ROUND articles, then documents. One scope's documents in a round are at most
 * about two per article (the position it left and the one it took) plus its splits, so the
 * first scope taken, which always is, fits too.
 */
const KV_WRITES_PER_ROUND = 950;
export const ARTICLES_PER_ROUND = 300;
/** Read-your-writes covers a round that wrote at most this many documents (else the caller re-reads KV). */
const RETURNED_INDEXES = 32;

/** What one round wrote. */
export interface RoundResult {
  /** The feed documents written, by key (null: deleted); absent when there were none or too many to return. */
  indexes?: Record<string, FeedIndex | null>;
  /** Whether it wrote everything committed before it started (else a backlog or documents over the budget wait). */
  complete: boolean;
  /** Whether work is left for another round: what it could not take, or what was committed meanwhile. */
  more: boolean;
}

interface OutboxRow extends Record<string, SqlStorageValue> {
  id: string;
  seq: number;
  json: string | null;
  retracted: string | null;
}

const OUTBOX_ROWS = "SELECT o.id, o.seq, a.json, a.retracted FROM outbox o LEFT JOIN articles a ON a.id = o.id";
/** An outbox row whose article KV is to show: stored, not retracted, not scheduled. The others withdraw one. */
const SHOWN = `a.json IS NOT NULL AND a.retracted IS NULL AND NOT ${heldSql("o.id")}`;

/** The oldest `limit` outbox rows of one kind, and whether there were more. */
function outboxRows(sql: SqlStorage, kind: "shown" | "withdrawn", limit: number): { rows: OutboxRow[]; more: boolean } {
  const where = kind === "shown" ? SHOWN : `NOT (${SHOWN})`;
  const rows = sql.exec<OutboxRow>(`${OUTBOX_ROWS} WHERE ${where} ORDER BY o.seq LIMIT ?`, limit + 1).toArray();
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

/** The outbox: articles committed in SQLite whose KV copy is not written yet. */
export function createOutbox(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, seq INTEGER NOT NULL)");
  sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
}

/** Queues an article's current row (stored or retracted) for the next round. */
export function enqueue(sql: SqlStorage, id: string): void {
  sql.exec(
    "INSERT INTO outbox (id, seq) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM outbox)) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
    id,
  );
}

/** Whether anything committed is not in KV yet. */
export const pendingWork = (sql: SqlStorage) => sql.exec("SELECT 1 FROM outbox LIMIT 1").toArray().length > 0 || hasDirty(sql);

/** More articles to show than one round writes: rounds of articles alone come first (they write new keys, so need no spacing). */
const backlogged = (sql: SqlStorage) =>
  sql
    .exec<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM outbox o LEFT JOIN articles a ON a.id = o.id WHERE ${SHOWN} LIMIT ?)`,
      ARTICLES_PER_ROUND + 1,
    )
    .one().n > ARTICLES_PER_ROUND;

/**
 * Writes the Publisher's committed changes to KV, one round at a time: the pending
 * articles, then the feed documents as they stood when those were read, and only when
 * they were all that was pending, so a document never names an article version KV does
 * not have yet. Each key is written at most once a second (KV's limit).
 */
export class KvFlusher {
  /** When each KV key was last written by this object. */
  private readonly written = new Map<string, number>();
  /** When the last round began writing feed documents, and how long its articles took before that. */
  private documentsAt = 0;
  private articlesMs = 0;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    /** Sets the alarm for `at` (the hub pings a round queued) unless it is set sooner. */
    private readonly wake: (at: number) => Promise<void>,
  ) {}

  /**
   * The earliest time the next round may start without waiting on KV's per-key limit: so
   * that its documents follow the last ones by a second once its articles are written
   * (as long as the last round's took), or now when a backlog of articles (new keys) comes first.
   */
  readyAt(): number {
    return backlogged(this.sql) ? Date.now() : this.documentsAt + KEY_WRITE_INTERVAL_MS - this.articlesMs;
  }

  /**
   * One round: everything committed before it started, within one invocation's KV budget.
   * Articles to show are written before the documents that name them; withdrawals
   * (retractions, articles rescheduled) after every document that named them is rewritten.
   */
  async round(): Promise<RoundResult> {
    const { sql } = this;
    const shown = outboxRows(sql, "shown", ARTICLES_PER_ROUND);
    const backlog = shown.more;
    if (shown.rows.length === 0 && !pendingWork(sql)) return { complete: true, more: false };
    // Read with the plan, in one synchronous snapshot: a withdrawal committed later is not in this round's documents.
    const withdrawn = backlog ? { rows: [], more: true } : outboxRows(sql, "withdrawn", ARTICLES_PER_ROUND);
    // Room for the articles and the scope list; the documents get the rest.
    const budget = KV_WRITES_PER_ROUND - shown.rows.length - withdrawn.rows.length - 1;
    const plan = backlog ? undefined : planDocuments(sql, settingsFrom(this.env).itemsPerFeed, budget);
    const kv = this.env.ARTICLES;
    const started = Date.now();
    await Promise.all(
      shown.rows.map(async (row) => {
        await this.spaced(KEYS.article(row.id));
        await writeArticle(kv, JSON.parse(row.json as string) as Article);
      }),
    );
    if (plan) this.articlesMs = Date.now() - started;
    const indexes = plan ? await this.writeDocuments(plan) : undefined;
    const documentsDone = plan !== undefined && !sql.exec("SELECT 1 FROM dirty WHERE seq <= ? LIMIT 1", plan.seq).toArray().length;
    const withdrawals = documentsDone ? withdrawn.rows : [];
    await Promise.all(
      withdrawals.map(async (row) => {
        if (row.json === null) return;
        await this.spaced(KEYS.article(row.id));
        await (row.retracted ? writeRetraction(kv, row.id, row.retracted) : deleteArticle(kv, row.id));
      }),
    );
    for (const { id, seq } of [...shown.rows, ...withdrawals]) sql.exec("DELETE FROM outbox WHERE id = ? AND seq = ?", id, seq);
    return { indexes, complete: documentsDone && !withdrawn.more, more: pendingWork(sql) };
  }

  /** Writes the plan's changed documents (and the scope list, if it changed), then announces them to the hubs. */
  private async writeDocuments(plan: Plan): Promise<RoundResult["indexes"]> {
    const kv = this.env.ARTICLES;
    const settings = settingsFrom(this.env);
    const changed = changedIndexes(this.sql, plan.docs, Date.now());
    const written: Record<string, FeedIndex | null> = {};
    this.documentsAt = Date.now();
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
    // Subscribers follow the current documents; archive pages advertise no hub.
    const urls = changed
      .filter(({ doc }) => doc.page === 0)
      .flatMap(({ doc }) => Object.values(documentUrls(settings.siteUrl, parseScopeKey(doc.scope))));
    if (settings.hubs.length > 0 && urls.length > 0) {
      const visibleAt = Date.now() + settings.pingDelayMs;
      queuePings(this.sql, settings.hubs, urls, visibleAt);
      await this.wake(visibleAt);
    }
    // Compared with what KV holds on every round, so a failed write is retried by the next.
    await this.writeScopeList();
    const count = Object.keys(written).length;
    return count > 0 && count <= RETURNED_INDEXES ? written : undefined;
  }

  private async writeScopeList(): Promise<void> {
    const scopes = scopeList(this.sql);
    const version = sha256Base64url(JSON.stringify(scopes));
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
    if (this.written.size > ARTICLES_PER_ROUND * 4) {
      for (const [k, at] of this.written) if (Date.now() - at >= KEY_WRITE_INTERVAL_MS) this.written.delete(k);
    }
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
