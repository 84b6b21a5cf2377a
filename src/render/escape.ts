import { escapeToBuffer } from "hono/utils/html";

/** Escapes `& < > " '` for XML/HTML text and attribute values (Hono's escaper, one scan). */
export function escapeXml(text: string): string {
  const buffer: [string] = [""];
  escapeToBuffer(text, buffer);
  return buffer[0];
}

/**
 * Wraps HTML in a CDATA section, splitting any `]]>` inside it. Cheaper than escaping
 * markup-heavy content (one `indexOf` instead of a rewrite of every `<`), and parsers
 * read it as the same text.
 */
export function cdata(text: string): string {
  return `<![CDATA[${text.includes("]]>") ? text.replaceAll("]]>", "]]]]><![CDATA[>") : text}]]>`;
}
