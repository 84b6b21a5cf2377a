import type { Article } from "./article";
import { sha256Base64url } from "./hash";
import { type Scope, scopeKey, scopesOf } from "./scopes";
import { type FeedIndex, MAIN_SCOPE } from "./store";

/**
 * The feed documents of every scope, kept in the Publisher's SQLite (the single writer,
 * so none of this races). Each scope's items, newest first, are cut into a current
 * document and archive pages (RFC 5005). A page is a fixed range of (published, id):
 * new items never move it, and an edit, retraction or back-dated article changes only
 * the one document whose range holds it. A document that reaches twice the page size
 * hands its oldest `perPage` items to a new page, so the current document shows
 * between `perPage` and twice that, and a page never exceeds it.
 */

/** Versions a delta (RFC 3229) can start from, per document. */
const HISTORY = 32;

export function createPagingTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS members (scope TEXT NOT NULL, id TEXT NOT NULL, published_ms INTEGER NOT NULL,
    PRIMARY KEY (scope, id))`);
  sql.exec("CREATE INDEX IF NOT EXISTS members_order ON members (scope, published_ms, id)");
  // placeArticle finds an article's memberships by id on every commit: without this, a scan of every membership.
  sql.exec("CREATE INDEX IF NOT EXISTS members_id ON members (id)");
  sql.exec("CREATE TABLE IF NOT EXISTS scopes (scope TEXT PRIMARY KEY, kind TEXT NOT NULL, slug TEXT NOT NULL, name TEXT NOT NULL)");
  /** Archive pages: each holds the items not newer than (hi_ms, hi_id) and newer than the next older page's bound. */
  sql.exec(`CREATE TABLE IF NOT EXISTS pages (scope TEXT NOT NULL, page INTEGER NOT NULL, hi_ms INTEGER NOT NULL, hi_id TEXT NOT NULL,
    PRIMARY KEY (scope, page))`);
  /** The index last written to KV for each document (page 0: current). */
  sql.exec("CREATE TABLE IF NOT EXISTS docs (scope TEXT NOT NULL, page INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (scope, page))");
  /** The last Last-Modified of each scope that was emptied: a scope made again starts after it. */
  sql.exec("CREATE TABLE IF NOT EXISTS retired (scope TEXT PRIMARY KEY, last_modified INTEGER NOT NULL)");
  /** Positions whose document must be recomputed. */
  sql.exec(
    "CREATE TABLE IF NOT EXISTS dirty (seq INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, ms INTEGER NOT NULL, id TEXT NOT NULL)",
  );
}

/** Moves an article into the scopes it now belongs to (none once retracted), marking each position it left or took. */
export function placeArticle(sql: SqlStorage, id: string, article: Article | null): void {
  for (const old of sql.exec<{ scope: string; published_ms: number }>("SELECT scope, published_ms FROM members WHERE id = ?", id)) {
    sql.exec("INSERT INTO dirty (scope, ms, id) VALUES (?, ?, ?)", old.scope, old.published_ms, id);
  }
  sql.exec("DELETE FROM members WHERE id = ?", id);
  if (!article) return;
  const ms = Date.parse(article.published);
  for (const scope of scopesOf(article)) {
    const key = scopeKey(scope);
    sql.exec("INSERT INTO members (scope, id, published_ms) VALUES (?, ?, ?)", key, id, ms);
    sql.exec("INSERT INTO dirty (scope, ms, id) VALUES (?, ?, ?)", key, ms, id);
    sql.exec(
      "INSERT INTO scopes (scope, kind, slug, name) VALUES (?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET name = excluded.name",
      key,
      scope.kind,
      scope.slug,
      scope.name,
    );
  }
}

export const hasDirty = (sql: SqlStorage) => sql.exec("SELECT 1 FROM dirty LIMIT 1").toArray().length > 0;

/** A position in a scope's order: newer is a later `ms`, then (for equal times) a smaller id. */
interface Key {
  ms: number;
  id: string;
}
const notNewer = (a: Key, b: Key) => a.ms < b.ms || (a.ms === b.ms && a.id >= b.id);

interface Bound {
  page: number;
  /** Upper bound (inclusive); none for the current document. */
  hi?: Key;
}

/** SQL for "in the range (lo, hi]" over members; either bound may be open. */
function inRange(lo: Key | undefined, hi: Key | undefined): [string, unknown[]] {
  const clauses: string[] = [];
  const args: unknown[] = [];
  if (lo) {
    clauses.push("(m.published_ms > ? OR (m.published_ms = ? AND m.id < ?))");
    args.push(lo.ms, lo.ms, lo.id);
  }
  if (hi) {
    clauses.push("(m.published_ms < ? OR (m.published_ms = ? AND m.id >= ?))");
    args.push(hi.ms, hi.ms, hi.id);
  }
  return [clauses.length ? ` AND ${clauses.join(" AND ")}` : "", args];
}

/** One document as it stands now, read in one synchronous pass (a consistent snapshot). */
export interface DocSnapshot {
  scope: string;
  page: number;
  name?: string;
  older?: number;
  newer?: number;
  /** Newest first. */
  items: { id: string; etag: string; updated_ms: number }[];
}

export interface Plan {
  docs: DocSnapshot[];
  /** Scopes left with no articles: all their documents go. */
  emptied: { scope: string; pages: number[] }[];
  /** The scopes whose dirty marks this plan answers, up to `seq` (the marks its own splits added included). */
  scopes: string[];
  seq: number;
}

/**
 * Which documents changed since the last flush, and what they hold now; splits any
 * that grew to twice `perPage`. Synchronous, so it reads one consistent state. Takes
 * scopes while their documents (written or deleted) fit in `budget` KV writes, and always
 * the first; the rest wait for the next round.
 */
export function planDocuments(sql: SqlStorage, perPage: number, budget: number): Plan {
  const plan: Plan = { docs: [], emptied: [], scopes: [], seq: 0 };
  const dirty = new Map<string, Key[]>();
  for (const d of sql.exec<{ scope: string; ms: number; id: string }>("SELECT scope, ms, id FROM dirty ORDER BY seq")) {
    const keys = dirty.get(d.scope) ?? [];
    keys.push({ ms: d.ms, id: d.id });
    dirty.set(d.scope, keys);
  }
  let writes = 0;
  for (const [scope, keys] of dirty) {
    const count = sql.exec<{ n: number }>("SELECT count(*) AS n FROM members WHERE scope = ?", scope).one().n;
    if (count === 0 && scope !== MAIN_SCOPE) {
      const pages = sql.exec<{ page: number }>("SELECT page FROM docs WHERE scope = ?", scope).toArray();
      if (plan.scopes.length > 0 && writes + pages.length > budget) break;
      plan.emptied.push({ scope, pages: pages.map((p) => p.page) });
      writes += pages.length;
    } else {
      const docs = planScope(sql, scope, keys, perPage);
      // A scope that would go over the budget waits for the next round (its splits stay marked dirty).
      if (plan.scopes.length > 0 && writes + docs.length > budget) break;
      plan.docs.push(...docs);
      writes += docs.length;
    }
    plan.scopes.push(scope);
  }
  // Taken after the splits marked their pages, before any await: a later commit's marks are newer.
  plan.seq = sql.exec<{ s: number | null }>("SELECT max(seq) AS s FROM dirty").one().s ?? 0;
  return plan;
}

function planScope(sql: SqlStorage, scope: string, keys: Key[], perPage: number): DocSnapshot[] {
  // Oldest first, the current document last.
  const bounds: Bound[] = sql
    .exec<{ page: number; hi_ms: number; hi_id: string }>(
      "SELECT page, hi_ms, hi_id FROM pages WHERE scope = ? ORDER BY hi_ms, hi_id DESC",
      scope,
    )
    .toArray()
    .map((p) => ({ page: p.page, hi: { ms: p.hi_ms, id: p.hi_id } }));
  bounds.push({ page: 0 });
  const holder = (k: Key) => (bounds.find((b) => !b.hi || notNewer(k, b.hi)) as Bound).page;
  const affected = new Set(keys.map(holder));
  const range = (page: number) => {
    const at = bounds.findIndex((b) => b.page === page);
    return inRange(bounds[at - 1]?.hi, bounds[at].hi);
  };
  // Split what grew to twice the page size: its oldest perPage items become a new page.
  for (const page of [...affected]) {
    for (;;) {
      const [where, args] = range(page);
      const oldest = sql
        .exec<{ id: string; published_ms: number }>(
          `SELECT m.id, m.published_ms FROM members m WHERE m.scope = ?${where} ORDER BY m.published_ms, m.id DESC LIMIT ?`,
          scope,
          ...args,
          perPage * 2,
        )
        .toArray();
      if (oldest.length < perPage * 2) break;
      const hi = { ms: oldest[perPage - 1].published_ms, id: oldest[perPage - 1].id };
      const id = (sql.exec<{ p: number | null }>("SELECT max(page) AS p FROM pages WHERE scope = ?", scope).one().p ?? 0) + 1;
      sql.exec("INSERT INTO pages (scope, page, hi_ms, hi_id) VALUES (?, ?, ?, ?)", scope, id, hi.ms, hi.id);
      const at = bounds.findIndex((b) => b.page === page);
      bounds.splice(at, 0, { page: id, hi });
      // The new page and the one older than it (its newer neighbour changed) must reach KV:
      // marked dirty, they are planned again should this round's writes fail.
      for (const doc of [bounds[at], bounds[at - 1]]) {
        if (!doc?.hi) continue;
        affected.add(doc.page);
        sql.exec("INSERT INTO dirty (scope, ms, id) VALUES (?, ?, ?)", scope, doc.hi.ms, doc.hi.id);
      }
    }
  }
  const name = sql.exec<{ name: string }>("SELECT name FROM scopes WHERE scope = ?", scope).toArray()[0]?.name;
  return [...affected].map((page) => {
    const at = bounds.findIndex((b) => b.page === page);
    const [where, args] = range(page);
    const items = sql
      .exec<{ id: string; etag: string; updated_ms: number }>(
        `SELECT m.id, a.etag, a.updated_ms FROM members m JOIN articles a ON a.id = m.id
         WHERE m.scope = ?${where} ORDER BY m.published_ms DESC, m.id`,
        scope,
        ...args,
      )
      .toArray();
    const newer = bounds[at + 1]?.page;
    return { scope, page, name, older: bounds[at - 1]?.page, newer: newer || undefined, items };
  });
}

/**
 * The indexes of the planned documents that differ from what KV holds: each item keeps
 * the change number it entered with (new or edited items take the next one), and
 * Last-Modified moves forward on every change, never past `now`.
 */
export function changedIndexes(sql: SqlStorage, docs: DocSnapshot[], now: number): { doc: DocSnapshot; index: FeedIndex }[] {
  const changed: { doc: DocSnapshot; index: FeedIndex }[] = [];
  for (const doc of docs) {
    const text = [doc.scope, doc.page, doc.name, doc.older, doc.newer, ...doc.items.map((i) => `${i.id} ${i.etag}`)].join("\n");
    const version = sha256Base64url(text);
    const prevJson = sql.exec<{ json: string }>("SELECT json FROM docs WHERE scope = ? AND page = ?", doc.scope, doc.page).toArray()[0];
    const prev: FeedIndex | undefined = prevJson ? JSON.parse(prevJson.json) : undefined;
    if (prev?.version === version) continue;
    const was = new Map(prev?.items.map(([id, etag, seq]) => [id, [etag, seq] as const]));
    const last = prev?.history.at(-1)?.[1] ?? 0;
    let seq = last;
    const items = doc.items.map(({ id, etag }): [string, string, number] => {
      const before = was.get(id);
      if (before?.[0] === etag) return [id, etag, before[1]];
      seq = last + 1;
      return [id, etag, last + 1];
    });
    const newest = Math.min(Math.max(0, ...doc.items.map((i) => i.updated_ms)), now);
    // Forward-only, across the document's versions and across a scope emptied and made again.
    const floor =
      prev?.lastModified ??
      sql.exec<{ last_modified: number }>("SELECT last_modified FROM retired WHERE scope = ?", doc.scope).toArray()[0]?.last_modified;
    const index: FeedIndex = {
      version,
      lastModified: floor === undefined ? newest : Math.max(newest, floor + 1000),
      page: doc.page,
      items,
      history: [...(prev?.history ?? []), [version, seq] as [string, number]].slice(-HISTORY),
    };
    if (doc.name !== undefined) index.name = doc.name;
    if (doc.older !== undefined) index.older = doc.older;
    if (doc.newer !== undefined) index.newer = doc.newer;
    changed.push({ doc, index });
  }
  return changed;
}

/** After KV holds a plan's documents: remember them, drop emptied scopes, clear the dirty marks the plan answered. */
export function recordPlan(sql: SqlStorage, plan: Plan, written: { doc: DocSnapshot; index: FeedIndex }[]): void {
  for (const { doc, index } of written) {
    sql.exec(
      "INSERT INTO docs (scope, page, json) VALUES (?, ?, ?) ON CONFLICT (scope, page) DO UPDATE SET json = excluded.json",
      doc.scope,
      doc.page,
      JSON.stringify(index),
    );
  }
  for (const { scope } of plan.emptied) {
    const last = sql
      .exec<{ json: string }>("SELECT json FROM docs WHERE scope = ?", scope)
      .toArray()
      .reduce((max, row) => Math.max(max, (JSON.parse(row.json) as FeedIndex).lastModified), 0);
    sql.exec(
      "INSERT INTO retired (scope, last_modified) VALUES (?, ?) ON CONFLICT (scope) DO UPDATE SET last_modified = max(last_modified, excluded.last_modified)",
      scope,
      last,
    );
    sql.exec("DELETE FROM docs WHERE scope = ?", scope);
    sql.exec("DELETE FROM pages WHERE scope = ?", scope);
    // Its name stays if an article joined it again meanwhile (that one's dirty mark is newer than the plan).
    sql.exec("DELETE FROM scopes WHERE scope = ? AND NOT EXISTS (SELECT 1 FROM members WHERE scope = ?)", scope, scope);
  }
  for (const scope of plan.scopes) sql.exec("DELETE FROM dirty WHERE scope = ? AND seq <= ?", scope, plan.seq);
}

/** Every scope whose feed KV holds, for /feeds.opml: `[kind, slug, name]`, by kind then name. */
export function scopeList(sql: SqlStorage): [Exclude<Scope["kind"], "main">, string, string][] {
  return sql
    .exec<{ kind: Exclude<Scope["kind"], "main">; slug: string; name: string }>(
      `SELECT kind, slug, name FROM scopes s WHERE kind != 'main' AND EXISTS (SELECT 1 FROM docs d WHERE d.scope = s.scope AND d.page = 0)
       ORDER BY kind, name COLLATE NOCASE, slug`,
    )
    .toArray()
    .map((s) => [s.kind, s.slug, s.name]);
}
