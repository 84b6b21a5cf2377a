/**
 * `npm run pull -- [--url URL] [--dir content/pulled]`: writes the server's articles
 * into content/. Files that already match are left alone; others are rewritten as
 * `<id>.html` where they are, and new ids go to --dir. Nothing is deleted.
 */
import { parseArgs } from "node:util";
import { applyFiles, CONTENT_DIR, formatPull, readContentFiles, run } from "./cli";
import { pull, serverSiteUrl } from "./sync";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:8787" },
    dir: { type: "string", default: `${CONTENT_DIR}/pulled` },
  },
});

run(async () => {
  const remote = { fetch, url: values.url };
  const result = await pull(remote, await readContentFiles(), await serverSiteUrl(remote), values.dir);
  await applyFiles(result);
  console.log(formatPull(result));
});
