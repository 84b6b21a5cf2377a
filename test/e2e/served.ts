import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWranglerDev } from "../../scripts/serving";

/** The publishing token every served instance takes. */
export const TEST_TOKEN = "test-token";

/** feedwire under `wrangler dev` on its own port and throwaway state, for the tests over HTTP and in Chromium. */
export interface Served {
  origin: string;
  /** Publishes one article through the API, as a publisher would. */
  put(id: string, article: Record<string, unknown>): Promise<Response>;
  /** Stops it and deletes its state. */
  stop(): Promise<void>;
}

/** Each file takes a port range of its own (the bench keeps 8800-8803), so files can run side by side. */
export async function serve(port: number, vars: Record<string, string> = {}): Promise<Served> {
  const origin = `http://127.0.0.1:${port}`;
  const state = await mkdtemp(join(tmpdir(), "feedwire-test-"));
  const removeState = () => rm(state, { recursive: true, force: true });
  const wrangler = await startWranglerDev(port, {
    args: ["--persist-to", state],
    vars: { PUBLISH_TOKEN: TEST_TOKEN, SITE_URL: origin, ...vars },
  }).catch(async (e) => {
    await removeState();
    throw e;
  });
  return {
    origin,
    put: (id, article) =>
      fetch(`${origin}/api/articles/${id}`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${TEST_TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify(article),
      }),
    stop: async () => {
      await wrangler.stop();
      await removeState();
    },
  };
}
