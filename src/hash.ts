/** The first `bytes` bytes of the SHA-256 of `text`, base64url: short, opaque version strings. */
export async function sha256Base64url(text: string, bytes = 16): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).slice(0, bytes);
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
