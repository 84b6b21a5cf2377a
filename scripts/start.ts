/** `npm start`: seeds local KV from content/, then serves on http://localhost:$PORT (default 8787). */
import { spawn } from "node:child_process";
import { ContentError } from "../src/content";
import { seed } from "./seed";

const port = process.env.PORT ?? "8787";
const siteUrl = `http://localhost:${port}`;

try {
  const count = await seed({ remote: false, siteUrl });
  console.log(`seeded ${count} articles from content/ into local KV`);
} catch (e) {
  if (!(e instanceof ContentError)) throw e;
  console.error(`content/ has problems; nothing was loaded:\n${e.message}`);
  process.exit(1);
}

const dev = spawn("wrangler", ["dev", "--port", port, "--ip", "127.0.0.1", "--var", `SITE_URL:${siteUrl}`], { stdio: "inherit" });
dev.on("exit", (code) => process.exit(code ?? 0));
