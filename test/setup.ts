import { reset } from "cloudflare:test";
import { afterEach } from "vitest";

// Every test starts from empty storage (KV included), whatever the test before it wrote.
afterEach(async () => {
  await reset();
});
