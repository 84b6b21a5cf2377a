/**
 * `npm run bench`: starts the render benchmark worker under `wrangler dev` on
 * 127.0.0.1, reads its figures (measured inside workerd), prints them beside the
 * `feed` package's on the same articles, and writes bench/results.json.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { cpus } from "node:os";

const PORT = 8797;

async function startWorker(config: string, port: number): Promise<ChildProcess> {
  const child = spawn("wrangler", ["dev", "-c", config, "--port", String(port), "--ip", "127.0.0.1"], { stdio: "ignore", detached: true });
  for (let i = 0; i < 120; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/__ready`);
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`wrangler dev -c ${config} did not start on port ${port}`);
}

const stop = (child: ChildProcess) => child.pid && process.kill(-child.pid, "SIGTERM");

const worker = await startWorker("bench/wrangler.toml", PORT);
try {
  const figures: Record<string, number> = await (await fetch(`http://127.0.0.1:${PORT}/`)).json();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`;
  const f = (key: string) => figures[key] ?? Number.NaN;
  const lines = [
    `render CPU in workerd, median ms per run (${machine}, ${new Date().toISOString().slice(0, 10)})`,
    "items  format  feedwire  feed package  ratio",
  ];
  for (const n of [50, 500]) {
    for (const format of ["rss", "atom", "json"]) {
      const ours = f(`${format} ${n}`);
      const theirs = f(`feed package ${format} ${n}`);
      lines.push(
        `${String(n).padStart(5)}  ${format.padEnd(6)}  ${ours.toFixed(3).padStart(8)}  ${theirs.toFixed(3).padStart(12)}  ${(theirs / ours).toFixed(1)}x faster`,
      );
    }
    lines.push(`${String(n).padStart(5)}  model ${f(`model ${n}`).toFixed(3).padStart(10)}   (articles → format-neutral feed)`);
    lines.push(
      `${String(n).padStart(5)}  validate ${f(`validate ${n}`).toFixed(3).padStart(7)}   (full ArticleSchema, as on the write path)`,
    );
  }
  console.log(lines.join("\n"));
  await writeFile("bench/results.json", `${JSON.stringify({ date: new Date().toISOString(), machine, render: figures }, null, 2)}\n`);
} finally {
  stop(worker);
}
