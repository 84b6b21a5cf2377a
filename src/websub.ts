/**
 * WebSub publishing (W3C Recommendation, §7 leaves the ping's form to hubs; this is the
 * `hub.mode=publish` + `hub.url` form PubSubHubbub hubs accept). Pings wait in the
 * Publisher's SQLite, so none is lost to a restart, and go out from its alarm, after
 * the publish has answered: a slow or failing hub never delays or fails a publish.
 */

/** Backoff after a failed ping: 30 s, 1 min, 2 min … capped at an hour; given up after this many tries. */
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 3_600_000;
export const PING_ATTEMPTS = 10;
/** Pings per alarm: well within a Worker invocation's subrequest limit. */
const PINGS_PER_ROUND = 40;

export const retryDelay = (attempts: number) => Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);

export function createPingTable(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS pings (hub TEXT NOT NULL, url TEXT NOT NULL, due_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (hub, url))`);
}

/**
 * Tells each hub, at `due`, that each of `urls` changed. A ping already waiting for the
 * pair waits for the later change too (the hub must not fetch before KV has it).
 */
export function queuePings(sql: SqlStorage, hubs: string[], urls: string[], due: number): void {
  for (const hub of hubs) {
    for (const url of urls) {
      sql.exec(
        `INSERT INTO pings (hub, url, due_ms) VALUES (?, ?, ?)
         ON CONFLICT (hub, url) DO UPDATE SET due_ms = max(due_ms, excluded.due_ms), attempts = 0`,
        hub,
        url,
        due,
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

/** Sends the pings that are due; returns when the next one is due, if any. */
export async function deliverPings(sql: SqlStorage, now = Date.now(), fetcher: typeof fetch = fetch): Promise<number | undefined> {
  const due = sql
    .exec<{ hub: string; url: string; attempts: number; due_ms: number }>(
      "SELECT hub, url, attempts, due_ms FROM pings WHERE due_ms <= ? ORDER BY due_ms LIMIT ?",
      now,
      PINGS_PER_ROUND,
    )
    .toArray();
  const results = await Promise.all(due.map((p) => ping(p.hub, p.url, fetcher)));
  // Only the row as it was read: a change queued during the delivery keeps its own ping.
  const same = "hub = ? AND url = ? AND due_ms = ? AND attempts = ?";
  due.forEach((p, i) => {
    const attempts = p.attempts + 1;
    const row = [p.hub, p.url, p.due_ms, p.attempts];
    if (results[i] || attempts >= PING_ATTEMPTS) {
      if (!results[i]) console.error(`websub: gave up telling ${p.hub} about ${p.url} after ${attempts} attempts`);
      sql.exec(`DELETE FROM pings WHERE ${same}`, ...row);
    } else {
      sql.exec(`UPDATE pings SET attempts = ?, due_ms = ? WHERE ${same}`, attempts, now + retryDelay(attempts), ...row);
    }
  });
  return sql.exec<{ next: number | null }>("SELECT min(due_ms) AS next FROM pings").one().next ?? undefined;
}
