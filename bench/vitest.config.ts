import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** The in-workerd parts of `npm run bench` (KV operations per request, a poll's CPU): too slow for `npm test`. */
export default defineConfig({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
  test: { include: ["bench/kv-cost.test.ts", "bench/poll-cpu.test.ts"], setupFiles: ["./test/setup.ts"] },
});
