import { type Context, Hono } from "hono";
import { methodNotAllowed, problem } from "../problem";
import { HTML_TYPE } from "../render/layout";
import { statsPage, statsPanel } from "../render/stats";
import { settingsFrom } from "../settings";
import { statsConfig } from "../stats/config";
import { readStats } from "../stats/read";
import { type StatsQuery, StatsQuerySchema } from "../stats/report";
import { requireToken } from "./guards";

type Env_ = { Bindings: Env };

/** With STATS=off there are no statistics to show. */
const statsOn = async (c: Context<Env_>, next: () => Promise<void>) => {
  if (!statsConfig(c.env).on) problem(404, "Subscriber statistics are off (STATS=off).");
  await next();
};

/** The query, or a 400 naming each bad field. */
function statsQuery(c: Context<Env_>): StatsQuery {
  const parsed = StatsQuerySchema.safeParse(c.req.query());
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ field: i.path.join("."), reason: i.message }));
    problem(400, `The query is not valid: ${errors.length} problem(s), listed in errors.`, { type: "invalid-query", errors });
  }
  return parsed.data;
}

const PRIVATE = { "Cache-Control": "no-store" };
const PRIVATE_HTML = { ...PRIVATE, "Content-Type": HTML_TYPE };

/** `GET /api/stats`: subscribers, polls and bytes per day and feed (token only). */
export const statsApi = new Hono<Env_>();
statsApi.use(statsOn);
statsApi.get("/", requireToken, async (c) => c.json(await readStats(c.env, statsQuery(c)), 200, PRIVATE));
statsApi.all("/", methodNotAllowed("GET, HEAD"));

/** `/stats`: the page (public: it holds no figure) and the report it shows, drawn on the server (token only). */
export const statsPages = new Hono<Env_>();
statsPages.use(statsOn);
statsPages.get("/", (c) => {
  const nonce = crypto.randomUUID();
  return c.html(statsPage(settingsFrom(c.env), nonce), 200, {
    ...PRIVATE_HTML,
    // Nothing but this origin and this page's own script: no third-party request can be made.
    "Content-Security-Policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`,
  });
});
statsPages.get("/report", requireToken, async (c) => c.html(statsPanel(await readStats(c.env, statsQuery(c))), 200, PRIVATE_HTML));
statsPages.all("/", methodNotAllowed("GET, HEAD"));
statsPages.all("/report", methodNotAllowed("GET, HEAD"));
