import { createHash } from "node:crypto";

/**
 * The first `bytes` bytes of the SHA-256 of `data` (text as UTF-8), base64url: short, opaque
 * version strings. Synchronous (node:crypto, native in workerd), so the Publisher's commit has
 * no await: it runs whole between events and needs no blockConcurrencyWhile, which would hold
 * back the KV round's I/O completions and timers while commits queue (measured: rounds stalled
 * up to 2.4 s during a bulk import).
 */
export function sha256Base64url(data: string | Uint8Array, bytes = 16): string {
  return createHash("sha256").update(data).digest().subarray(0, bytes).toString("base64url");
}
