/**
 * WebSub publishing (W3C Recommendation, §7 leaves the ping's form to hubs; this is the
 * `hub.mode=publish` + `hub.url` form PubSubHubbub hubs accept). Announcements wait in
 * the Publisher's SQLite, so none is lost to a restart, and go out from its alarm, after
 * the publish has answered: a slow or failing hub never delays or fails a publish.
 *
 * Each change of a document is an announcement of its own, due once the change is
 * visible everywhere (its KV write + WEBSUB_PING_DELAY). A ping tells the hub about
 * every change visible by then, so later changes never push an earlier one back (busy
 * publishing cannot starve a feed of pings), and the hub is never told before it can
 * fetch what it was told about. Backoff delays only the retries of a failed announcement.
 */

/** Backoff after a failed ping: 30 s, 1 min, 2 min … capped at an hour; given up after this many tries. */
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 3_600_000;
export const PING_ATTEMPTS = 10;
/** Pings per alarm: well within a Worker invocation's subrequest limit. */
const PINGS_PER_ROUND = 40;

export const retryDelay = (attempts: number) => Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);

export function createPingTable(sql: SqlStorage): void {
  // visible_ms: when the change is visible everywhere; due_ms: when to ping (visible_ms, or a retry's backoff).
  sql.exec(`CREATE TABLE IF NOT EXISTS announcements (hub TEXT NOT NULL, url TEXT NOT NULL, visible_ms INTEGER NOT NULL,
    due_ms INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (hub, url, visible_ms))`);
  sql.exec("CREATE INDEX IF NOT EXISTS announcements_due ON announcements (due_ms)");
  // Pings queued by the earlier one-row-per-feed layout become announcements due when they were.
  if (sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pings'").toArray().length) {
    sql.exec(`INSERT OR IGNORE INTO announcements (hub, url, visible_ms, due_ms, attempts)
      SELECT hub, url, due_ms, due_ms, attempts FROM pings`);
    sql.exec("DROP TABLE pings");
  }
}

/** Announces to each hub that each of `urls` changed, once the change is visible everywhere (`visibleAt`). */
export function queuePings(sql: SqlStorage, hubs: string[], urls: string[], visibleAt: number): void {
  for (const hub of hubs) {
    for (const url of urls) {
      sql.exec(
        "INSERT INTO announcements (hub, url, visible_ms, due_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        hub,
        url,
        visibleAt,
        visibleAt,
      );
    }
  }
}

async function ping(hub: string, url: string, fetcher: typeof fetch): Promise<boolean> {
  try {
    const res = await fetcher(hub, {
      method: "POST",
      body: new URLSearchParams({ "hub.mode": "publish", "hub.url": url }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
    if (res.ok) return true;
    console.error(`websub: ${hub} answered ${res.status} for ${url}`);
  } catch (e) {
    console.error(`websub: ${hub} unreachable for ${url}:`, e);
  }
  return false;
}

interface Announcement extends Record<string, SqlStorageValue> {
  hub: string;
  url: string;
  visible_ms: number;
  due_ms: number;
  attempts: number;
}

/**
 * Pings each (hub, url) with an announcement due; returns when the next one is due, if
 * any. A ping answers every announcement of its pair already visible; a failed one
 * retries only the announcements that were due.
 */
export async function deliverPings(sql: SqlStorage, now = Date.now(), fetcher: typeof fetch = fetch): Promise<number | undefined> {
  const pairs = sql
    .exec<{ hub: string; url: string }>(
      "SELECT hub, url FROM announcements WHERE due_ms <= ? GROUP BY hub, url ORDER BY min(due_ms) LIMIT ?",
      now,
      PINGS_PER_ROUND,
    )
    .toArray();
  // Read before any ping: a change announced during the delivery keeps its own announcement.
  const rows = pairs.map(({ hub, url }) =>
    sql.exec<Announcement>("SELECT * FROM announcements WHERE hub = ? AND url = ? AND visible_ms <= ?", hub, url, now).toArray(),
  );
  const results = await Promise.all(pairs.map((p) => ping(p.hub, p.url, fetcher)));
  const key = "hub = ? AND url = ? AND visible_ms = ?";
  rows.forEach((announced, i) => {
    for (const a of announced) {
      if (results[i]) {
        sql.exec(`DELETE FROM announcements WHERE ${key}`, a.hub, a.url, a.visible_ms);
      } else if (a.due_ms <= now) {
        const attempts = a.attempts + 1;
        if (attempts >= PING_ATTEMPTS) {
          console.error(`websub: gave up telling ${a.hub} about ${a.url} after ${attempts} attempts`);
          sql.exec(`DELETE FROM announcements WHERE ${key}`, a.hub, a.url, a.visible_ms);
        } else {
          sql.exec(
            `UPDATE announcements SET attempts = ?, due_ms = ? WHERE ${key}`,
            attempts,
            now + retryDelay(attempts),
            a.hub,
            a.url,
            a.visible_ms,
          );
        }
      }
    }
  });
  return nextPing(sql);
}

/** When the next announcement is due, if any. */
const nextPing = (sql: SqlStorage): number | undefined =>
  sql.exec<{ next: number | null }>("SELECT min(due_ms) AS next FROM announcements").one().next ?? undefined;
