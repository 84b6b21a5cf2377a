/**
 * `npm start [-- --fresh]`: serves content/ on http://localhost:$PORT (default 8787).
 * Local state (.wrangler/state: KV and the Publisher) is kept between runs, so what was
 * published through the API survives; `--fresh` wipes it first. content/ (images in
 * content/media/ first) goes in through the publisher API with push's diff, so only what
 * changed is sent. Until it is in, the address answers 503 with Retry-After (scripts/gate.ts).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadContentFiles } from "../src/content";
import {
  ensureDevVarsToken,
  formatMediaPush,
  formatPush,
  formatReady,
  LOCAL_STATE,
  progress,
  readContentFiles,
  readMediaFiles,
  run,
} from "./cli";
import { startGate } from "./gate";
import { freePort, waitUntilServing, wranglerEnv } from "./serving";
import { checkMediaFiles, push, pushMedia } from "./sync";

const { values } = parseArgs({ options: { fresh: { type: "boolean", default: false } } });
const port = Number(process.env.PORT ?? 8787);
const siteUrl = `http://localhost:${port}`;

run(async () => {
  const files = await readContentFiles();
  const media = await readMediaFiles();
  const loaded = loadContentFiles(files, siteUrl);
  checkMediaFiles(media);
  const token = await ensureDevVarsToken();
  if (values.fresh) await rm(LOCAL_STATE, { recursive: true, force: true });
  const gate = await startGate(port);
  const inner = `http://127.0.0.1:${await freePort()}`;
  const kept = existsSync(LOCAL_STATE) ? "the local state kept from the last run" : "a new local state";
  console.log(`loading content/ into ${kept}; ${siteUrl} answers 503 until it is in…`);
  const dev = spawn(
    "wrangler",
    [
      "dev",
      "--port",
      new URL(inner).port,
      "--ip",
      "127.0.0.1",
      "--var",
      `SITE_URL:${siteUrl}`,
      "--log-level",
      "error",
      "--show-interactive-dev-session=false",
    ],
    { stdio: "inherit", env: wranglerEnv() },
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
  dev.on("exit", (code) => process.exit(code ?? 1));
  await waitUntilServing(`${inner}/api/openapi.json`);
  const remote = { fetch, url: inner, token };
  const mediaReport = await pushMedia(remote, media, { onProgress: progress });
  const report = await push(remote, files, siteUrl, { onProgress: progress, loaded });
  // Problems in full; a clean load needs only the summary below.
  if (mediaReport.failed.length || report.failed.length || report.warnings.length) {
    console.log(`${formatMediaPush(mediaReport)}\n${formatPush({ ...report, serverOnly: [] })}`);
  }
  gate.open(inner);
  console.log(formatReady(siteUrl, report, mediaReport));
});
