/**
 * Scheduled (embargoed) articles: an article whose `published` instant is in the future
 * is stored and editable like any other, but held out of every public document until
 * then. A row here is what holds it; the Publisher's alarm releases it at `due_ms`.
 */

/** The server's clock decides: a `published` instant no further ahead than this publishes at once. */
export const PUBLISH_NOW_WITHIN_MS = 1000;

export const isScheduled = (publishedMs: number, now: number) => publishedMs > now + PUBLISH_NOW_WITHIN_MS;

export function createScheduleTable(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS schedule (id TEXT PRIMARY KEY, due_ms INTEGER NOT NULL)");
  sql.exec("CREATE INDEX IF NOT EXISTS schedule_due ON schedule (due_ms, id)");
}

/** SQL that is true when the article whose id is in `column` is held (for the outbox, which must not show it). */
export const heldSql = (column: string) => `EXISTS (SELECT 1 FROM schedule s WHERE s.id = ${column})`;

/** Holds an article until `dueMs` (a new time replaces the old one). */
export function hold(sql: SqlStorage, id: string, dueMs: number): void {
  sql.exec("INSERT INTO schedule (id, due_ms) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET due_ms = excluded.due_ms", id, dueMs);
}

/** Stops holding an article: it is published, or cancelled. */
export const unhold = (sql: SqlStorage, id: string) => void sql.exec("DELETE FROM schedule WHERE id = ?", id);

/** When a held article falls due, or undefined when it is not held. */
export const dueAt = (sql: SqlStorage, id: string): number | undefined =>
  sql.exec<{ due_ms: number }>("SELECT due_ms FROM schedule WHERE id = ?", id).toArray()[0]?.due_ms;

/** The held articles due by `now`, soonest first. */
export const dueBy = (sql: SqlStorage, now: number): string[] =>
  sql
    .exec<{ id: string }>("SELECT id FROM schedule WHERE due_ms <= ? ORDER BY due_ms, id", now)
    .toArray()
    .map((r) => r.id);

/** When the next held article falls due, if any. */
export const nextDue = (sql: SqlStorage): number | undefined =>
  sql.exec<{ at: number | null }>("SELECT min(due_ms) AS at FROM schedule").one().at ?? undefined;
