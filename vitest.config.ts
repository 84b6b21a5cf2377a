import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        // Everything that can run inside workerd does, against Miniflare KV and the real Durable Object.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                // The publishing secret for tests only (production: `wrangler secret put PUBLISH_TOKEN`).
                PUBLISH_TOKEN: "test-token",
                // Hubs to advertise and queue pings for; the pings fall due after the test (test/e2e/websub.test.ts sends them).
                WEBSUB_HUBS: "https://hub.example/, https://second-hub.example/publish",
                WEBSUB_PING_DELAY: "3600",
              },
            },
          }),
        ],
        test: {
          name: "workerd",
          include: ["test/*.test.ts"],
          setupFiles: ["./test/setup.ts"],
          testTimeout: 60_000,
        },
      },
      {
        // Over real HTTP, through `wrangler dev`: what only the platform's own layers do (compression).
        test: { name: "http", include: ["test/e2e/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        // In a real browser (Debian's chromium, driven by playwright-core), against `wrangler dev` loaded with content/.
        test: { name: "browser", include: ["test/browser/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 180_000 },
      },
    ],
  },
});
