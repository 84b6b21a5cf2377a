import { type Context, Hono } from "hono";
import { ARTICLE_ID, ARTICLE_ID_RULE } from "../article";
import { parseTagList } from "../http/preconditions";
import { prefers } from "../http/prefer";
import { ARTICLE_MAX_BYTES, ingest, ingestBatch } from "../ingest";
import { openApiDocument } from "../openapi";
import { type FieldError, methodNotAllowed, problem, problemResponse } from "../problem";
import type { ListState, Submission, Versioned, WriteOptions, Written } from "../publisher";
import { settingsFrom } from "../settings";
import { rememberFeedIndexes } from "../store";
import { apiMedia } from "./api-media";
import { isPublisher, limit, requireToken } from "./guards";

type Env_ = { Bindings: Env };

/** Largest batch body accepted (up to BATCH_MAX articles of up to ARTICLE_MAX_BYTES each). */
export const BATCH_MAX_BYTES = 10 * 1024 * 1024;
export const BATCH_MAX = 100;
const PAGE_DEFAULT = 50;
const PAGE_MAX = 100;

const publisher = (env: Env) => env.PUBLISHER.get(env.PUBLISHER.idFromName("main"));

/** `Prefer: respond-async` (RFC 7240 §4.1): answer once the change is committed, before KV holds it. */
const writeOptions = (c: Context<Env_>): WriteOptions => ({ respondAsync: prefers(c.req.header("Prefer"), "respond-async") });

/**
 * A write's answer: as asked when KV holds the change; else 202 Accepted with the same
 * body and when the change is expected in the feeds. That is respond-async's answer, and
 * a waiting writer's whose KV round failed: committed all the same, and retried.
 */
function answer(
  c: Context<Env_>,
  written: Pick<Written<unknown>, "inKv" | "expectedAt"> & { indexes?: unknown },
  body: object,
  status: 200 | 201 | 204,
  headers: Record<string, string> = {},
) {
  if (written.inKv) {
    rememberFeedIndexes(c.env.ARTICLES, written.indexes);
    return status === 204 ? c.body(null, 204, headers) : c.json(body, status, headers);
  }
  const applied: Record<string, string> = writeOptions(c).respondAsync ? { "Preference-Applied": "respond-async" } : {};
  const expected = new Date(written.expectedAt ?? Date.now()).toISOString();
  return c.json({ ...body, expectedInFeedsAt: expected }, 202, { ...headers, ...applied });
}

/** The request body as JSON: 415 unless it says it is JSON, 400 when it does not parse. */
async function jsonBody(c: Context<Env_>): Promise<unknown> {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) problem(415, "Send the article as Content-Type: application/json.");
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    return problem(400, `The body is not valid JSON: ${(e as Error).message}`, { type: "malformed-json" });
  }
}

/**
 * Where an article stands: `live`, or `scheduled` (in no public document until `published`).
 * Only the token's holder ever sees a scheduled one.
 */
const stateOf = ({ article, scheduled }: Pick<Versioned, "article" | "scheduled">) =>
  scheduled ? { state: "scheduled" as const, goesLiveAt: article.published } : { state: "live" as const };

const STATES: ListState[] = ["live", "scheduled", "all"];

const invalid = (errors: FieldError[]) =>
  problem(400, `The article is not valid: ${errors.length} problem(s), listed in errors.`, { type: "invalid-article", errors });

const checkId = (id = "") => {
  if (!ARTICLE_ID.test(id)) invalid([{ field: "id", reason: ARTICLE_ID_RULE }]);
  return id;
};

const encodeCursor = (published: number, id: string) => btoa(JSON.stringify([published, id])).replace(/=+$/, "");
function decodeCursor(cursor: string): { published: number; id: string } {
  try {
    const [published, id] = JSON.parse(atob(cursor));
    if (typeof published === "number" && typeof id === "string") return { published, id };
  } catch {}
  return problem(400, "The cursor is not one this API returned.", { errors: [{ field: "cursor", reason: "unknown cursor" }] });
}

/** The publisher API: JSON under /api, every error application/problem+json (RFC 9457). */
export const api = new Hono<Env_>();

api.get("/openapi.json", (c) => c.json(openApiDocument(settingsFrom(c.env))));

api.get("/articles", async (c) => {
  const raw = c.req.query("limit") ?? String(PAGE_DEFAULT);
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > PAGE_MAX) {
    problem(400, `limit must be an integer from 1 to ${PAGE_MAX}.`, { errors: [{ field: "limit", reason: `must be 1-${PAGE_MAX}` }] });
  }
  // Anonymous readers see what is public; the token's holder sees scheduled articles too, marked.
  const owner = await isPublisher(c);
  const state = (c.req.query("state") ?? (owner ? "all" : "live")) as ListState;
  if (!STATES.includes(state)) {
    problem(400, `state must be one of ${STATES.join(", ")}.`, { errors: [{ field: "state", reason: `must be ${STATES.join(", ")}` }] });
  }
  if (state !== "live" && !owner) {
    problem(401, "Scheduled articles are listed only with Authorization: Bearer <token>.", { headers: { "WWW-Authenticate": "Bearer" } });
  }
  const cursor = c.req.query("cursor");
  const items = await publisher(c.env).list(size + 1, cursor ? decodeCursor(cursor) : undefined, state);
  const page = items.slice(0, size);
  const last = page.at(-1);
  return c.json({
    items: page.map((item) => ({ article: item.article, etag: item.etag, ...stateOf(item) })),
    nextCursor: items.length > size && last ? encodeCursor(Date.parse(last.article.published), last.article.id) : null,
  });
});

api.get("/articles/:id", async (c) => {
  const id = checkId(c.req.param("id"));
  const found = await publisher(c.env).get(id);
  // A scheduled article does not exist for anyone but the token's holder: the same 404 as no article.
  if (!found || (found.scheduled && !(await isPublisher(c)))) return problem(404, `There is no article ${id}.`);
  const state = stateOf(found);
  // The body stays the article as a PUT takes it back; where it stands goes in a header.
  const marked = state.state === "scheduled" ? `scheduled; goes-live="${state.goesLiveAt}"` : "live";
  return c.json(found.article, 200, { ETag: found.etag, "Article-State": marked });
});

api.put("/articles/:id", requireToken, limit(ARTICLE_MAX_BYTES), async (c) => {
  const id = checkId(c.req.param("id"));
  const result = await ingest(await jsonBody(c), id, settingsFrom(c.env));
  if (!result.ok) return invalid(result.errors);
  const submission: Submission = {
    ...result.submission,
    ifMatch: parseTagList(c.req.header("If-Match")),
    ifNoneMatch: parseTagList(c.req.header("If-None-Match")),
  };
  const written = await publisher(c.env).put([submission], writeOptions(c));
  const [outcome] = written.outcome;
  if (!outcome || outcome.status === "precondition-failed") {
    return problem(
      412,
      submission.ifNoneMatch ? `Article ${id} already exists.` : `Article ${id} has changed since you read it (If-Match).`,
    );
  }
  const body = { article: outcome.article, status: outcome.status, ...stateOf(outcome), warnings: result.warnings };
  return answer(c, written, body, outcome.status === "created" ? 201 : 200, { ETag: outcome.etag });
});

api.delete("/articles/:id", requireToken, async (c) => {
  const id = checkId(c.req.param("id"));
  const written = await publisher(c.env).remove(id, parseTagList(c.req.header("If-Match")), writeOptions(c));
  if (written.outcome === "not-found") problem(404, `There is no article ${id}.`);
  if (written.outcome === "precondition-failed") problem(412, `Article ${id} has changed since you read it (If-Match).`);
  return answer(c, written, { id, status: written.outcome }, 204);
});

/** Up to BATCH_MAX articles, all or nothing: one invalid article and none is stored. */
api.post("/batch", requireToken, limit(BATCH_MAX_BYTES), async (c) => {
  const body = await jsonBody(c);
  const list = typeof body === "object" && body !== null && "articles" in body ? body.articles : undefined;
  if (!Array.isArray(list) || list.length === 0 || list.length > BATCH_MAX) {
    return invalid([{ field: "articles", reason: `must be a list of 1 to ${BATCH_MAX} articles` }]);
  }
  const result = await ingestBatch(list, settingsFrom(c.env));
  if (!result.ok) return invalid(result.errors);
  const { accepted } = result;
  const written = await publisher(c.env).put(
    accepted.map((a) => a.submission),
    writeOptions(c),
  );
  const results = written.outcome.map((o, i) =>
    o.status === "precondition-failed"
      ? o
      : { id: o.article.id, status: o.status, etag: o.etag, ...stateOf(o), warnings: accepted[i]?.warnings ?? [] },
  );
  return answer(c, written, { results }, 200);
});

/** What is committed and not yet in KV: after respond-async writes, a client polls this until it is empty. */
api.get("/backlog", requireToken, async (c) => {
  const { articles, documents, expectedAt } = await publisher(c.env).backlog();
  return c.json({ articles, documents, expectedInFeedsAt: expectedAt === undefined ? null : new Date(expectedAt).toISOString() });
});

api.route("/media", apiMedia);

api.all("/articles", methodNotAllowed("GET, HEAD"));
api.all("/articles/:id", methodNotAllowed("GET, HEAD, PUT, DELETE"));
api.all("/batch", methodNotAllowed("POST"));
api.all("/backlog", methodNotAllowed("GET, HEAD"));
api.all("/openapi.json", methodNotAllowed("GET, HEAD"));
api.all("*", (c) => problemResponse(404, `${c.req.path} is not part of the API; see /api/openapi.json.`));
