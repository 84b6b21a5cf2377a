import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { parseAccept } from "hono/utils/accept";
import { sha256Base64url } from "../hash";
import { storeUnavailable } from "../problem";
import { settingsFrom } from "../settings";
import { cacheControl, httpDate, notModified } from "./caching";
import { parseTagList, weakMatch } from "./preconditions";

/** What identifies a response's bytes, known before rendering: enough to answer 304. */
export interface Version {
  /** Strong ETag of the identity bytes: changes exactly when they do (each coding has its own, see `codedTag`). */
  etag: string;
  lastModified?: number;
  /** Instead of the feeds' default. */
  cacheControl?: string;
  /** More headers for every answer about this representation (say, `Link`). */
  headers?: Record<string, string>;
}

type Coding = "gzip" | "br" | "identity";

interface Rendered extends Version {
  type: string;
  body: Uint8Array;
  /** Compressed on the first request that asks for it, then kept. */
  gzip?: Uint8Array;
  /**
   * Its response headers for each coding, and for a 304, made on first use: a hot request
   * then builds none (measured in workerd, building them was most of a hot request's own cost).
   */
  answers?: Partial<Record<`${200 | 304} ${Coding}`, Headers>>;
}

const gzip = async (bytes: Uint8Array) =>
  new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());

const bytesOf = (body: string | Uint8Array) => (typeof body === "string" ? new TextEncoder().encode(body) : body);

/**
 * Rendered responses kept per isolate, per KV namespace: the last good copy of each path in
 * each media type (a feed URL also has an HTML preview: neither may stand in for the other).
 */
const rendered = new WeakMap<object, Map<string, Rendered>>();
const KEPT_PATHS = 64;

function keptFor(env: Env): Map<string, Rendered> {
  let kept = rendered.get(env.ARTICLES);
  if (!kept) {
    kept = new Map();
    rendered.set(env.ARTICLES, kept);
  }
  return kept;
}

/** Drops this isolate's kept copies (a cold isolate): what a test starts from. */
export const forgetResponses = (env: Env) => rendered.delete(env.ARTICLES);

function keep(kept: Map<string, Rendered>, key: string, value: Rendered) {
  kept.delete(key);
  kept.set(key, value);
  if (kept.size > KEPT_PATHS) kept.delete(kept.keys().next().value ?? "");
}

/**
 * Cache API key: the version is part of it, so a publish reaches every data centre by
 * changing the key; so is the media type, as in the isolate's copies.
 */
const cacheKey = (c: Context, type: string, etag: string) =>
  `https://feedwire.internal${c.req.path}?v=${encodeURIComponent(etag)}&t=${encodeURIComponent(type)}`;

const deployTags = new WeakMap<object, string>();

/**
 * A strong ETag from a content version and the format, qualified by the settings and
 * the deployed code version (both also shape the bytes), known without rendering.
 */
export async function etagOf(env: Env, ...parts: string[]): Promise<string> {
  let tag = deployTags.get(env.ARTICLES);
  if (!tag) {
    tag = sha256Base64url(JSON.stringify([settingsFrom(env), env.CF_VERSION_METADATA?.id ?? "dev"]), 6);
    deployTags.set(env.ARTICLES, tag);
  }
  return `"${[...parts, tag].join(".")}"`;
}

/**
 * The ETag of a version's bytes in one coding. gzip and br bytes differ from identity, so
 * each coding gets a strong tag of its own (RFC 9110 §8.8.1: unique across representations);
 * a cache varying on Accept-Encoding revalidates with the tag of the variant it holds.
 */
const codedTag = (etag: string, coding: Coding) => (coding === "identity" ? etag : `${etag.slice(0, -1)}.${coding}"`);

function headersFor(c: Context<{ Bindings: Env }>, v: Version, coding: Coding): Headers {
  const headers = new Headers({
    ETag: codedTag(v.etag, coding),
    "Cache-Control": v.cacheControl ?? cacheControl(settingsFrom(c.env)),
    Vary: "Accept-Encoding",
    "Access-Control-Allow-Origin": "*",
    ...v.headers,
  });
  if (v.lastModified) headers.set("Last-Modified", httpDate(v.lastModified));
  return headers;
}

/**
 * A delta (RFC 3229 §10.4.1, 226 IM Used) fits one client's If-None-Match: shared caches
 * must not store it, nor answer another request with it.
 */
const DELTA_HEADERS = { IM: "feed", "Cache-Control": "no-store", Vary: "Accept-Encoding, A-IM, If-None-Match" };

/** `A-IM: feed` (instance manipulations, RFC 3229 §10.5.3). */
const wantsFeedDelta = (header: string | undefined) =>
  header?.split(",").some((im) => im.split(";")[0].trim().toLowerCase() === "feed") ?? false;

/** Each Accept-Encoding value seen and the coding it picks: clients send a handful of values, each parsed once. */
const picked = new Map<string, Coding>();
const PICKED_MAX = 64;
const PICKED_LENGTH_MAX = 256;

/**
 * Compressed for the client that asked. Cloudflare rewrites `Accept-Encoding` to
 * `br, gzip` and only compresses some types itself (RSS, not Atom or JSON Feed), so the
 * client's own header is read from `cf.clientAcceptEncoding`. The runtime parses and freezes
 * Cloudflare's request metadata on that first access: about 34 µs of a 304 under `wrangler dev`
 * (README, benchmark). It cannot be skipped, as each coding has its own strong ETag, so even a
 * 304 must know the coding. gzip is compressed once per version and kept; br, when gzip is
 * not acceptable, is left to the runtime's encoder; otherwise identity.
 */
function codingFor(c: Context<{ Bindings: Env }>): Coding {
  const header = (c.req.raw.cf?.clientAcceptEncoding as string | undefined) ?? c.req.header("Accept-Encoding") ?? "";
  let coding = picked.get(header);
  if (!coding) {
    const accepted = new Map(parseAccept(header).map((a) => [a.type.toLowerCase(), a.q]));
    const acceptable = (name: string) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
    coding = acceptable("gzip") ? "gzip" : acceptable("br") ? "br" : "identity";
    if (header.length <= PICKED_LENGTH_MAX) {
      if (picked.size >= PICKED_MAX) picked.clear();
      picked.set(header, coding);
    }
  }
  return coding;
}

async function respond(
  c: Context<{ Bindings: Env }>,
  r: Rendered,
  coding: Coding,
  status = 200,
  extra?: Record<string, string>,
): Promise<Response> {
  let headers = extra ? undefined : r.answers?.[`200 ${coding}`];
  if (!headers) {
    headers = headersFor(c, r, coding);
    headers.set("Content-Type", r.type);
    if (coding !== "identity") headers.set("Content-Encoding", coding);
    for (const [name, value] of Object.entries(extra ?? {})) headers.set(name, value);
    // A Response copies the headers it is given, so one object serves every request.
    if (!extra) {
      r.answers ??= {};
      r.answers[`200 ${coding}`] = headers;
    }
  }
  if (coding === "gzip") {
    // Only values are shared between requests: a promise or stream from another request's I/O may not be awaited here.
    r.gzip ??= await gzip(r.body);
    c.set("bodyBytes", r.gzip.length);
    return new Response(r.gzip, { status, headers, encodeBody: "manual" });
  }
  c.set("bodyBytes", r.body.length);
  return new Response(r.body, { status, headers });
}

function unavailable(c: Context<{ Bindings: Env }>, key: string, coding: Coding, error: unknown): Promise<Response> | Response {
  console.error(`${key}: serving failed:`, error);
  const stale = keptFor(c.env).get(key);
  if (stale) return respond(c, stale, coding); // RFC 5861 stale-if-error: the last good copy, never an empty feed
  return storeUnavailable();
}

/**
 * Serves a GET/HEAD for a versioned representation at the lowest cost: 304 when the
 * client has it (nothing rendered), else bytes kept in this isolate, else the Cache API,
 * else one render that fills both. If the store fails, the last good copy or a 503.
 * With `delta`, a request with `A-IM: feed` naming an earlier version it knows gets only
 * what changed since (226); one naming a version it does not know gets the whole. `delta`
 * is told which earlier versions (ETags as `Version.etag`) the client's If-None-Match names.
 */
export async function serveVersioned(
  c: Context<{ Bindings: Env }>,
  type: string,
  version: () => Promise<Version>,
  render: () => Promise<string | Uint8Array>,
  delta?: (named: (etag: string) => boolean) => Promise<string | Uint8Array | undefined>,
): Promise<Response> {
  const key = `${c.req.path} ${type}`;
  const settings = settingsFrom(c.env);
  const coding = codingFor(c);
  let v: Version;
  try {
    v = await version();
  } catch (e) {
    if (e instanceof HTTPException) throw e; // a 404 or 410 the route decided on
    return unavailable(c, key, coding, e);
  }
  const kept = keptFor(c.env);
  let r = settings.responseCache ? kept.get(key) : undefined;
  if (r?.etag === v.etag && r.lastModified !== v.lastModified) {
    // The same bytes again (say, an edit reverted), under a Last-Modified that moved on.
    r = { ...r, lastModified: v.lastModified, answers: undefined };
    keep(kept, key, r);
  }
  if (notModified(c.req.raw.headers, codedTag(v.etag, coding), v.lastModified)) {
    let answers: NonNullable<Rendered["answers"]> = {};
    if (r?.etag === v.etag) {
      r.answers ??= {};
      answers = r.answers;
    }
    answers[`304 ${coding}`] ??= headersFor(c, v, coding);
    return new Response(null, { status: 304, headers: answers[`304 ${coding}`] });
  }
  const since = delta && wantsFeedDelta(c.req.header("A-IM")) ? parseTagList(c.req.header("If-None-Match")) : undefined;
  if (delta && since) {
    let body: string | Uint8Array | undefined;
    try {
      body = await delta((etag) => weakMatch(since, codedTag(etag, coding)));
    } catch (e) {
      return unavailable(c, key, coding, e);
    }
    if (body !== undefined) return respond(c, { ...v, type, body: bytesOf(body) }, coding, 226, DELTA_HEADERS);
  }
  if (r?.etag !== v.etag) {
    const cache = settings.responseCache ? caches.default : undefined;
    const hit = await cache
      ?.match(cacheKey(c, type, v.etag))
      .then(async (res) => res && new Uint8Array(await res.arrayBuffer()))
      .catch((e) => console.warn(`${key}: the Cache API failed, rendering instead:`, e)); // only ever a speed-up
    try {
      r = { ...v, type, body: hit ?? bytesOf(await render()) };
    } catch (e) {
      return unavailable(c, key, coding, e);
    }
    if (cache && !hit) {
      const put = cache.put(cacheKey(c, type, v.etag), new Response(r.body, { headers: { "Cache-Control": "public, max-age=86400" } }));
      c.executionCtx.waitUntil(put.catch((e) => console.warn(`${key}: the Cache API failed to keep a copy:`, e)));
    }
    keep(kept, key, r);
  }
  return respond(c, r, coding);
}
