import { createServer, request } from "node:http";

/** How long a client is told to wait while content/ loads: a few seconds is all a load takes. */
const RETRY_AFTER_S = 5;

export interface Gate {
  /** From now on, passes every request through to `origin` as it is. */
  open(origin: string): void;
  close(): void;
}

/**
 * The address `npm start` gives out, in front of `wrangler dev` on a port of its own. Until
 * `open`, every request gets 503 with Retry-After, so nobody (a feed reader least of all)
 * is served an empty or half-loaded feed while content/ goes in; after it, each request is
 * relayed byte for byte, headers included (conditional requests, codings).
 */
export async function startGate(port: number, host = "127.0.0.1"): Promise<Gate> {
  let target: URL | undefined;
  const server = createServer((req, res) => {
    if (!target) {
      res.writeHead(503, {
        "Retry-After": String(RETRY_AFTER_S),
        "Cache-Control": "no-store",
        "Content-Type": "text/plain; charset=utf-8",
      });
      res.end(`feedwire is loading content/. Try again in ${RETRY_AFTER_S} seconds.\n`);
      return;
    }
    const relay = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    relay.on("error", (e) => {
      if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(`wrangler dev did not answer: ${e.message}\n`);
    });
    req.pipe(relay);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  return {
    open: (origin) => {
      target = new URL(origin);
    },
    close: () => server.close(),
  };
}
