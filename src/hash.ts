/** The first `bytes` bytes of the SHA-256 of `data` (text as UTF-8), base64url: short, opaque version strings. */
export async function sha256Base64url(data: string | BufferSource, bytes = 16): Promise<string> {
  const input = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input)).slice(0, bytes);
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
