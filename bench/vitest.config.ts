import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** The KV-cost part of `npm run bench`: counts, not timings, but too slow for `npm test`. */
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
  test: { include: ["bench/kv-cost.test.ts"], setupFiles: ["./test/setup.ts"] },
});
