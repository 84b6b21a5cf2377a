/** The first `bytes` bytes of the SHA-256 of `data` (text as UTF-8), base64url: short, opaque version strings. */
export async function sha256Base64url(data: string | BufferSource, bytes = 16): Promise<string> {
  const input = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input)).slice(0, bytes);
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** FNV-1a (32 bits) of a string's UTF-16 code units, in hex: short, stable and synchronous (not for security). */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}
