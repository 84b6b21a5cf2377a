import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { dateHeader } from "./http/date";
import { forPeople } from "./http/errors";
import { problemResponse } from "./problem";
import { api } from "./routes/api";
import { assets } from "./routes/assets";
import { feeds } from "./routes/feeds";
import { media } from "./routes/media";
import { pages } from "./routes/pages";
import { statsApi, statsPages } from "./routes/stats";

export { Publisher } from "./publisher";
export { StatsStore } from "./stats/store";

const app = new Hono<{ Bindings: Env }>();

// Every problem, thrown or returned, reaches a person's browser as a page (src/http/errors.ts); and every
// response, 304s and errors included, carries Date: workerd adds none (Cloudflare's edge does).
app.use(async (c, next) => {
  await next();
  const page = forPeople(c, c.res);
  if (page) {
    const res = await page;
    c.res = undefined; // else Hono's setter copies the problem's headers over the page's, its Vary included
    c.res = res;
  }
  c.res.headers.set("Date", dateHeader());
});

app.route("/api/stats", statsApi);
app.route("/api", api);
app.route("/stats", statsPages);
app.route("/", feeds);
app.route("/", pages);
app.route("/", media);
app.route("/", assets);

app.notFound(() => problemResponse(404, "There is nothing at this address."));

app.onError((err, c) => {
  if (err instanceof HTTPException) return err.getResponse();
  // Logged for the operator; the client gets no stack trace.
  console.error(`${c.req.method} ${c.req.path}:`, err);
  return problemResponse(500, "feedwire could not answer this request.");
});

export default app;
