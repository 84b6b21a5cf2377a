/**
 * Whether a request's `Prefer` header (RFC 7240 §2) asks for `preference`. Preferences
 * are comma-separated, each a token optionally followed by `=value` and parameters;
 * tokens compare case-insensitively, and an unknown one is ignored.
 */
export function prefers(header: string | undefined, preference: string): boolean {
  if (!header) return false;
  const wanted = preference.toLowerCase();
  return header.split(",").some((part) => part.split(/[;=]/, 1)[0]?.trim().toLowerCase() === wanted);
}
