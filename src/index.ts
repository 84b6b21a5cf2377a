import { Hono } from "hono";
import { feeds } from "./routes/feeds";
import { pages } from "./routes/pages";

const app = new Hono<{ Bindings: Env }>();

app.route("/", feeds);
app.route("/", pages);

app.onError((err, c) => {
  // Logged for the operator; the client gets no stack trace.
  console.error(err);
  return c.body(
    JSON.stringify({ type: "about:blank", title: "Internal Server Error", status: 500, detail: "feedwire could not answer this request" }),
    500,
    { "Content-Type": "application/problem+json" },
  );
});

export default app;
