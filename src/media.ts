import { sha256Base64url } from "./hash";

/** Image types a publisher may upload, by file extension: a name's extension fixes the type it is served as. */
const TYPES = new Map([
  ["svg", "image/svg+xml"],
  ["png", "image/png"],
  ["jpg", "image/jpeg"],
  ["jpeg", "image/jpeg"],
  ["gif", "image/gif"],
  ["webp", "image/webp"],
  ["avif", "image/avif"],
]);

export const MEDIA_TYPES = [...new Set(TYPES.values())];

/** Largest media file accepted (KV takes values up to 25 MiB). */
export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;

const MEDIA_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
export const MEDIA_NAME_RULE = `must be 1-128 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit, ending in .${[...TYPES.keys()].join(", .")}`;

/** The type a media file is served as, from its name; undefined when the name breaks MEDIA_NAME_RULE. */
export function mediaTypeOf(name: string): string | undefined {
  const extension = MEDIA_NAME.test(name) ? /\.([a-z0-9]+)$/.exec(name)?.[1] : undefined;
  return extension ? TYPES.get(extension) : undefined;
}

/** A strong ETag: the SHA-256 of the bytes, so a client can tell whether its copy is the server's without sending it. */
export const mediaEtag = (bytes: Uint8Array) => `"${sha256Base64url(bytes, 32)}"`;
