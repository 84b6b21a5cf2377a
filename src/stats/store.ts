import { DurableObject } from "cloudflare:workers";
import type { AgentKind } from "./agents";
import { DAY_MS, dayOf, type Report, type Usage } from "./tally";

/** Days of counts kept; older days are dropped. */
export const RETENTION_DAYS = 400;
/** How long after UTC midnight the daily prune runs (a flush of the day before may still be on its way). */
const PRUNE_AFTER_MIDNIGHT_MS = 60_000;
/** The feed name under which each day's publication-wide counts are kept. */
export const TOTAL = "*";

/** A distinct client as it reaches storage: a salted hash, never its IP. */
export interface HashedClient {
  day: number;
  feed: string;
  hash: string;
  agent: string;
  kind: AgentKind;
}

/** One isolate's flush. Its id makes it count once, however often it is sent. */
export interface Batch {
  id: string;
  usage: Usage[];
  reports: Report[];
  clients: HashedClient[];
}

/** A stored usage row: the tally's Usage, with the day's distinct clients of that feed and agent. */
export interface UsageRow extends Usage, Record<string, SqlStorageValue> {
  clients: number;
}

export interface ReportRow extends Record<string, SqlStorageValue> {
  day: number;
  feed: string;
  agent: string;
  subscribers: number;
}

/** What a day range holds: polls and distinct clients per agent, and aggregators' latest figures summed per agent. */
export interface StoredCounts {
  usage: UsageRow[];
  reports: ReportRow[];
}

/**
 * The statistics' storage. Every isolate sends its counts here at most once per
 * STATS_FLUSH_SECONDS, in one request, so the object sees (isolates ÷ interval) requests a
 * second: far from hot until tens of thousands of isolates poll at once. Past that, the
 * name in `statsStore()` is the place to shard (by feed, say). Only salted hashes of
 * clients are stored, and only for today and yesterday, with that day's salt.
 */
export class StatsStore extends DurableObject<Env> {
  private readonly sql = this.ctx.storage.sql;
  private prunedFor = -1;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS salts (day INTEGER PRIMARY KEY, salt TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, day INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS clients (day INTEGER, feed TEXT, hash TEXT, PRIMARY KEY (day, feed, hash)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS usage (day INTEGER, feed TEXT, agent TEXT, kind TEXT NOT NULL, polls INTEGER NOT NULL,
        conditional INTEGER NOT NULL, bytes INTEGER NOT NULL, clients INTEGER NOT NULL, sample TEXT NOT NULL,
        PRIMARY KEY (day, feed, agent)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS reports (day INTEGER, feed TEXT, agent TEXT, feed_id TEXT, subscribers INTEGER NOT NULL,
        at INTEGER NOT NULL, PRIMARY KEY (day, feed, agent, feed_id)) WITHOUT ROWID;`);
  }

  /**
   * Each day's salt, made when first asked for. Only today's and yesterday's exist (a
   * flush may arrive just after midnight); a client of an older day can no longer be told
   * apart from one already counted, so its day gets no salt and it is not counted.
   */
  async salts(days: number[]): Promise<Record<number, string>> {
    const today = dayOf(Date.now());
    this.prune(today);
    const salts: Record<number, string> = {};
    for (const day of new Set(days)) {
      if (day < today - 1 || day > today + 1) continue;
      const salt = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
      this.sql.exec("INSERT OR IGNORE INTO salts (day, salt) VALUES (?, ?)", day, salt);
      salts[day] = this.sql.exec<{ salt: string }>("SELECT salt FROM salts WHERE day = ?", day).one().salt;
    }
    return salts;
  }

  /** Adds a batch, all of it or (when it was added before) nothing. */
  async record(batch: Batch): Promise<void> {
    const today = dayOf(Date.now());
    this.prune(today);
    const oldest = today - RETENTION_DAYS + 1;
    this.ctx.storage.transactionSync(() => {
      if (this.sql.exec("INSERT OR IGNORE INTO batches (id, day) VALUES (?, ?)", batch.id, today).rowsWritten === 0) return;
      for (const u of batch.usage) {
        if (u.day < oldest) continue;
        for (const feed of [u.feed, TOTAL]) {
          this.sql.exec(
            `INSERT INTO usage (day, feed, agent, kind, polls, conditional, bytes, clients, sample) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)
             ON CONFLICT DO UPDATE SET polls = polls + excluded.polls, conditional = conditional + excluded.conditional,
               bytes = bytes + excluded.bytes`,
            u.day,
            feed,
            u.agent,
            u.kind,
            u.polls,
            u.conditional,
            u.bytes,
            u.sample,
          );
        }
      }
      for (const r of batch.reports) {
        if (r.day < oldest) continue;
        this.sql.exec(
          `INSERT INTO reports (day, feed, agent, feed_id, subscribers, at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET subscribers = excluded.subscribers, at = excluded.at WHERE excluded.at >= at`,
          r.day,
          r.feed,
          r.agent,
          r.feedId,
          r.subscribers,
          r.at,
        );
      }
      for (const c of batch.clients) {
        if (c.day < today - 1) continue; // its day's hashes and salt are gone: it could be counted twice
        // A client is counted once a day per feed, and once in the total, whichever isolate saw it and whatever it was answered.
        for (const feed of [c.feed, TOTAL]) {
          if (this.sql.exec("INSERT OR IGNORE INTO clients (day, feed, hash) VALUES (?, ?, ?)", c.day, feed, c.hash).rowsWritten === 0)
            continue;
          this.sql.exec(
            `INSERT INTO usage (day, feed, agent, kind, polls, conditional, bytes, clients, sample) VALUES (?, ?, ?, ?, 0, 0, 0, 1, '')
             ON CONFLICT DO UPDATE SET clients = clients + 1`,
            c.day,
            feed,
            c.agent,
            c.kind,
          );
        }
      }
    });
  }

  /** Counts for days `from` to `to` (inclusive), of one feed or of all, and the publication's (as feed TOTAL). */
  async counts(from: number, to: number, feed?: string): Promise<StoredCounts> {
    const where = feed === undefined ? "day BETWEEN ? AND ?" : "day BETWEEN ? AND ? AND feed IN (?, ?)";
    const params = feed === undefined ? [from, to] : [from, to, feed, TOTAL];
    const perFeed = feed === undefined ? "day BETWEEN ? AND ?" : "day BETWEEN ? AND ? AND feed = ?";
    return {
      usage: this.sql.exec<UsageRow>(`SELECT * FROM usage WHERE ${where} ORDER BY day, feed, agent`, ...params).toArray(),
      // An aggregator's figure for a feed is the latest of each of its feed ids, added up; the total adds up every feed's.
      reports: this.sql
        .exec<ReportRow>(
          `SELECT day, feed, agent, SUM(subscribers) AS subscribers FROM reports WHERE ${perFeed} GROUP BY day, feed, agent
           UNION ALL
           SELECT day, '${TOTAL}' AS feed, agent, SUM(subscribers) AS subscribers FROM reports WHERE day BETWEEN ? AND ? GROUP BY day, agent`,
          ...params.slice(0, feed === undefined ? 2 : 3),
          from,
          to,
        )
        .toArray(),
    };
  }

  /** The alarm prunes every day just after UTC midnight, whether or not anything is counted that day. */
  async alarm() {
    this.prune(dayOf(Date.now()));
  }

  /**
   * Drops what is past keeping, once a day: counts after RETENTION_DAYS; salts, client
   * hashes and batch ids once the day after theirs is over. Then waits for the next day.
   */
  prune(today: number) {
    if (this.prunedFor === today) return;
    this.prunedFor = today;
    void this.ctx.storage.setAlarm((today + 1) * DAY_MS + PRUNE_AFTER_MIDNIGHT_MS);
    const oldest = today - RETENTION_DAYS + 1;
    this.sql.exec("DELETE FROM usage WHERE day < ?", oldest);
    this.sql.exec("DELETE FROM reports WHERE day < ?", oldest);
    for (const table of ["salts", "clients", "batches"]) this.sql.exec(`DELETE FROM ${table} WHERE day < ?`, today - 1);
  }

  /** Storage used, in bytes (for the budget test and the operator). */
  async size(): Promise<number> {
    return this.ctx.storage.sql.databaseSize;
  }
}

/** The one statistics object (the place to shard, should it ever be hot). */
export const statsStore = (env: Env) => env.STATS_STORE.get(env.STATS_STORE.idFromName("stats"));
