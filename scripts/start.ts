/**
 * `npm start`: serves content/ on http://localhost:$PORT (default 8787). Local state
 * is wiped so KV and the Publisher mirror content/ exactly, then content/ (images in
 * content/media/ first) is pushed through the publisher API, the same way in as any publisher's.
 */
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { loadContent } from "../src/content";
import { ensureDevVarsToken, formatMediaPush, formatPush, progress, readContentFiles, readMediaFiles, run } from "./cli";
import { waitUntilServing } from "./serving";
import { checkMediaFiles, push, pushMedia } from "./sync";

const port = process.env.PORT ?? "8787";
const siteUrl = `http://localhost:${port}`;
const url = `http://127.0.0.1:${port}`;

run(async () => {
  const files = await readContentFiles();
  const media = await readMediaFiles();
  loadContent(files, siteUrl);
  checkMediaFiles(media);
  const token = await ensureDevVarsToken();
  await rm(".wrangler/state", { recursive: true, force: true });
  const dev = spawn("wrangler", ["dev", "--port", port, "--ip", "127.0.0.1", "--var", `SITE_URL:${siteUrl}`], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => dev.kill(signal));
  dev.on("exit", (code) => process.exit(code ?? 1));
  await waitUntilServing(`${url}/api/openapi.json`);
  const remote = { fetch, url, token };
  console.log(formatMediaPush(await pushMedia(remote, media, { onProgress: progress })));
  console.log(formatPush(await push(remote, files, siteUrl, { onProgress: progress })));
});
