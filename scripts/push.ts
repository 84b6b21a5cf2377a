/**
 * `npm run push -- [--url URL] [--token TOKEN] [--dry-run]`: sends the images in
 * content/media/, then the articles in content/, that differ from the server's. The
 * token is --token, else $PUBLISH_TOKEN, else the PUBLISH_TOKEN line of .dev.vars.
 */
import { parseArgs } from "node:util";
import { loadContentFiles } from "../src/content";
import { devVarsToken, formatMediaPush, formatPush, progress, readContentFiles, readMediaFiles, run } from "./cli";
import { checkMediaFiles, push, pushMedia, serverSiteUrl } from "./sync";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:8787" },
    token: { type: "string" },
    "dry-run": { type: "boolean", default: false },
  },
});

run(async () => {
  const files = await readContentFiles();
  const media = await readMediaFiles();
  // Valid or not does not depend on the site URL, so content/ is checked before the server is asked for it.
  const loaded = loadContentFiles(files, values.url);
  checkMediaFiles(media);
  const remote = { fetch, url: values.url, token: values.token ?? process.env.PUBLISH_TOKEN ?? (await devVarsToken()) };
  const dryRun = values["dry-run"];
  if (!remote.token && !dryRun) throw new Error("no publishing token: pass --token, set PUBLISH_TOKEN, or add it to .dev.vars");
  // Images first, so no article is in a feed before its image can be served.
  const mediaReport = await pushMedia(remote, media, { dryRun, onProgress: progress });
  console.log(formatMediaPush(mediaReport));
  // Root-relative image paths resolve against the server's SITE_URL: when it is the URL pushed to, as usual, content/ is validated once.
  const siteUrl = await serverSiteUrl(remote);
  const report = await push(remote, files, siteUrl, { dryRun, onProgress: progress, loaded: siteUrl === values.url ? loaded : undefined });
  console.log(formatPush(report));
  if (report.failed.length || mediaReport.failed.length) process.exitCode = 1;
});
