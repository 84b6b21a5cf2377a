import { fnv1a } from "../hash";
import { STYLESHEET } from "./stylesheet";

/** The site icon: a feed symbol, white on orange in both colour schemes. */
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#d9560b"/><circle cx="4.5" cy="11.5" r="1.6" fill="#fff"/><path d="M3 7.2a5.8 5.8 0 0 1 5.8 5.8M3 3.6A9.4 9.4 0 0 1 12.4 13" fill="none" stroke="#fff" stroke-width="1.9" stroke-linecap="round"/></svg>`;

export interface Asset {
  /** Root-relative, with a hash of the bytes in the name: a new version is a new URL, so each can be cached for good. */
  path: string;
  type: string;
  body: string;
  etag: string;
}

function asset(name: string, extension: string, type: string, body: string): Asset {
  const hash = fnv1a(body);
  return { path: `/assets/${name}.${hash}.${extension}`, type, body, etag: `"${hash}"` };
}

/** The files every page links to. */
export const ASSETS = {
  stylesheet: asset("style", "css", "text/css; charset=utf-8", STYLESHEET),
  icon: asset("icon", "svg", "image/svg+xml", ICON),
} as const;

export const assetAt = (path: string): Asset | undefined => Object.values(ASSETS).find((a) => a.path === path);
