import { spawn } from "node:child_process";
import { createServer, type IncomingHttpHeaders, request } from "node:http";

/** A TCP port nothing listens on now, on 127.0.0.1 (the system picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Resolves once something answers HTTP at `url` (any status), for the commands and tests
 * that start `wrangler dev` and must wait for it; rejects after `timeoutMs`.
 */
export async function waitUntilServing(url: string, timeoutMs = 120_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((r) => setTimeout(r, 250))) {
    if (
      await fetch(url).then(
        () => true,
        () => false,
      )
    )
      return;
  }
  throw new Error(`nothing answered at ${url} within ${timeoutMs / 1000} s`);
}

/**
 * The environment `wrangler dev` runs in. Wrangler's local observability collector (on by
 * default, for its Local Explorer) receives a streaming tail event for every request and KV
 * operation: a quarter of the runtime's CPU in a bulk import (measured: 15.2 s against 11.6 s
 * for 3,000 articles). Off unless X_LOCAL_OBSERVABILITY says otherwise.
 */
export const wranglerEnv = (): NodeJS.ProcessEnv => ({ X_LOCAL_OBSERVABILITY: "false", ...process.env });

export interface WranglerDev {
  origin: string;
  /** Stops it and everything it started (its process group). */
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev` on 127.0.0.1:`port` with `--var` overrides, in a process group of
 * its own, and resolves once it answers at `readyPath`: for the tests and the benchmark.
 */
export async function startWranglerDev(
  port: number,
  {
    args = [],
    vars = {},
    log = "ignore",
    readyPath = "/api/openapi.json",
  }: { args?: string[]; vars?: Record<string, string>; log?: "ignore" | number; readyPath?: string },
): Promise<WranglerDev> {
  const origin = `http://127.0.0.1:${port}`;
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const child = spawn("wrangler", ["dev", ...args, "--port", String(port), "--ip", "127.0.0.1", ...varArgs], {
    stdio: ["ignore", log, log],
    env: wranglerEnv(),
    detached: true,
  });
  const stop = async () => {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 1500));
  };
  try {
    await waitUntilServing(`${origin}${readyPath}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { origin, stop };
}

/**
 * A raw HTTP GET with exactly the headers given (fetch would add and undo Accept-Encoding),
 * on a connection of its own (a pooled one may belong to a server stopped since).
 */
export function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
