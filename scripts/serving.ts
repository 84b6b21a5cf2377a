/**
 * Resolves once something answers HTTP at `url` (any status), for the commands and tests
 * that start `wrangler dev` and must wait for it; rejects after `timeoutMs`.
 */
export async function waitUntilServing(url: string, timeoutMs = 120_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((r) => setTimeout(r, 250))) {
    if (
      await fetch(url).then(
        () => true,
        () => false,
      )
    )
      return;
  }
  throw new Error(`nothing answered at ${url} within ${timeoutMs / 1000} s`);
}
