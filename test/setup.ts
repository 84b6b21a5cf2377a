import { env, reset } from "cloudflare:test";
import { afterEach } from "vitest";
import { forgetResponses } from "../src/http/representation";
import { forgetFeedIndexes } from "../src/store";

// Every test starts from empty storage (KV and the Durable Object included) and a cold
// isolate, whatever the test before it wrote or served.
afterEach(async () => {
  await reset();
  forgetFeedIndexes(env.ARTICLES);
  forgetResponses(env);
});
