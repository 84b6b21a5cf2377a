// Allowlist sanitising of a publisher's `contentHtml`, on the way in.
//
// Feed readers render `contentHtml` as HTML, often inside their own pages, so per the publisher API's
// content-safety rules only a fixed set of elements, attributes and URL schemes gets through: markup that can
// run script, load active content, submit forms or restyle the reader is removed, and every kept URL is made
// absolute, since a feed is read far from the site. The input is parsed by parse5, which builds the tree a
// browser builds (HTML5 tree construction, in a <body>); what comes out is that tree, filtered, written out
// again. So nothing the parser did not read as an allowed element can come out as markup: every element is
// closed, stray end tags and broken tags are gone, text and attribute values are escaped, and character
// references are decoded and written back as characters.

import { escapeText } from "entities/escape";
import { type DefaultTreeAdapterTypes as Dom, defaultTreeAdapter as dom, ErrorCodes, html, parseFragment } from "parse5";
import { removedForbidden, removeForbidden } from "./unicode";

// Kept as they are.
const ALLOWED = new Set(
  (
    "p br hr h1 h2 h3 h4 h5 h6 blockquote pre code em strong b i u s del ins sub sup small mark q cite abbr dfn kbd samp var " +
    "time span div a img figure figcaption picture source ul ol li dl dt dd table thead tbody tfoot tr th td caption col colgroup " +
    "details summary"
  ).split(" "),
);
const VOID = new Set(["br", "hr", "img", "source", "col"]);

// Removed with their content, as is every element outside the HTML namespace (<svg> and <math> content).
// Every other element is unwrapped: its tags go, its content stays.
const REMOVED = new Set(
  (
    "script style iframe frame frameset object embed applet form input button select textarea noscript template svg math " +
    "link meta base title head xmp noembed noframes plaintext"
  ).split(" "),
);

const GLOBAL_ATTRIBUTES = ["title", "lang", "dir"];
const ATTRIBUTES: Record<string, string[]> = {
  a: ["href", "rel"],
  img: ["src", "alt", "width", "height"],
  source: ["src", "type", "media"],
  ol: ["start", "reversed", "type"],
  li: ["value"],
  th: ["colspan", "rowspan", "scope", "headers"],
  td: ["colspan", "rowspan", "scope", "headers"],
  time: ["datetime"],
  q: ["cite"],
  blockquote: ["cite"],
  del: ["cite"],
  ins: ["cite"],
  col: ["span"],
  colgroup: ["span"],
  details: ["open"],
};
const URL_ATTRIBUTES = new Set(["href", "src", "cite"]);
const DATA_IMAGE = /^data:image\/(?:png|gif|jpeg|webp|avif);base64,[a-z\d+/]*={0,2}$/i;

/** Deeper nesting is refused: readers walk the tree recursively, and so does this module. */
export const MAX_DEPTH = 256;
/** Parse-and-write rounds until restructured output reads back as itself (two sufficed in 120,000 random cases). */
const MAX_ROUNDS = 4;

const LEADING_DOCTYPE = /^(\s*)<!doctype[^>]*>/i;
// The parser turns a reference to NUL or to a surrogate into U+FFFD. Pointed at U+FFFF instead, which it keeps,
// it is removed below with the other code points no feed may carry, as the reference asked for one of those.
const NUMERIC_REFERENCE = /&#(?:x([\da-f]+)|(\d+));?/gi;
const pointForbiddenAtFFFF = (reference: string, hex?: string, decimal?: string) => {
  const code = hex ? Number.parseInt(hex, 16) : Number(decimal);
  return code === 0 || (code >= 0xd800 && code <= 0xdfff) ? "&#xFFFF;" : reference;
};
// The name of the attribute a duplicate-attribute parse error is reported after.
const ATTRIBUTE_NAME_BEFORE = /[^\t\n\f\r />]+$/;

/** The body a reader puts the content into, as the fragment parsing context. */
const BODY = dom.createElement("body", html.NS.HTML, []);

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

// One sentence per kind of change, in this order.
const SENTENCES = {
  element: (n, tag) => `removed ${plural(n, `<${tag}> element`)}`,
  unwrapped: (n, tag) => `unwrapped ${plural(n, `<${tag}> element`)}, keeping the content`,
  attribute: (n, name) => `removed the ${name} attribute from ${plural(n, "element")}`,
  duplicate: (n, name) => `removed ${plural(n, `duplicate ${name} attribute`)}`,
  url: (n, scheme) => `removed ${plural(n, `${scheme} URL`)}`,
  resolved: (n, base) => `resolved ${plural(n, "relative URL")} against ${base}`,
  normalised: (n) => `normalised ${plural(n, "URL")}`,
  forbidden: (n) => removedForbidden(n),
  reference: (n) => `removed ${plural(n, "character reference")} to a code point no feed may carry`,
  comment: (n) => `removed ${plural(n, "comment")}`,
  unterminated: () => "removed a tag left unterminated at the end",
  doctype: () => "removed the doctype",
} satisfies Record<string, (n: number, subject: string) => string>;
type Change = keyof typeof SENTENCES;

/** What sanitising changed, counted by kind and subject. */
class Tally {
  private readonly counts = new Map<Change, Map<string, number>>();
  record(change: Change, subject = "", times = 1) {
    const counts = this.counts.get(change) ?? new Map<string, number>();
    this.counts.set(change, counts.set(subject, (counts.get(subject) ?? 0) + times));
  }
  sentences(): string[] {
    return Object.entries(SENTENCES).flatMap(([change, sentence]) => {
      const counts = this.counts.get(change as Change) ?? new Map<string, number>();
      return [...counts.keys()].sort().map((subject) => sentence(counts.get(subject) ?? 0, subject));
    });
  }
}

/** Content that cannot be sanitised into something every reader can take; `reason` says why. */
export class SanitizeError extends Error {}

/** The current spec's attribute escaping (whatwg/html#6362): `<` and `>` too, so no attribute value reads as a tag. */
const escapeAttribute = (value: string) => escapeText(value).replaceAll('"', "&quot;");

/** One parse, filter and write of `source`, and whether an element was removed or unwrapped. */
function pass(source: string, base: string, tally: Tally): { html: string; restructured: boolean } {
  let restructured = false;
  const input = source
    .replace(LEADING_DOCTYPE, (_, space: string) => {
      tally.record("doctype");
      return space;
    })
    .replace(NUMERIC_REFERENCE, pointForbiddenAtFFFF);
  const fragment = parseFragment(BODY, input, {
    // Two things the parser drops without a trace in the tree: repeated attributes (it keeps the first) and a
    // tag the input ends inside of (which a reader appending markup would complete).
    onParseError(error) {
      if (error.code === ErrorCodes.eofInTag) tally.record("unterminated");
      if (error.code !== ErrorCodes.duplicateAttribute) return;
      const name = ATTRIBUTE_NAME_BEFORE.exec(input.slice(Math.max(0, error.startOffset - 64), error.startOffset))?.[0];
      tally.record("duplicate", name?.toLowerCase());
    },
  });

  // Text and attribute values without what no feed may carry (which only references can have put there);
  // CR as LF, as a parser reads it when written raw.
  const clean = (text: string) => {
    const { text: kept, removed } = removeForbidden(text);
    if (removed) tally.record("reference", "", removed);
    return kept.replaceAll("\r", "\n");
  };

  // A URL attribute's value made absolute against `base` (a fragment-only `#x` too: ids are not kept, so it can
  // only mean a place in the article's page), or undefined when it is refused.
  const checkUrl = (value: string, name: string, tag: string): string | undefined => {
    const url = URL.parse(value, base);
    const safe =
      url?.protocol === "http:" ||
      url?.protocol === "https:" ||
      (url?.protocol === "mailto:" && name === "href") ||
      (tag === "img" && DATA_IMAGE.test(url?.href ?? ""));
    if (!url || !safe) {
      tally.record("url", url?.protocol ?? "invalid");
      return undefined;
    }
    if (url.href !== value) {
      if (URL.canParse(value)) tally.record("normalised");
      else tally.record("resolved", base);
    }
    return url.href;
  };

  const attributes = ({ tagName: tag, attrs }: Dom.Element): string => {
    let out = "";
    for (const { name, value } of attrs) {
      if (!GLOBAL_ATTRIBUTES.includes(name) && !ATTRIBUTES[tag]?.includes(name)) {
        tally.record("attribute", name);
        continue;
      }
      const kept = URL_ATTRIBUTES.has(name) ? checkUrl(clean(value), name, tag) : clean(value);
      if (kept !== undefined) out += ` ${name}="${escapeAttribute(kept)}"`;
    }
    return out;
  };

  const write = (nodes: Dom.ChildNode[], depth: number, inPicture: boolean): string => {
    if (depth > MAX_DEPTH) throw new SanitizeError(`nests elements more than ${MAX_DEPTH} deep`);
    let out = "";
    for (const node of nodes) {
      if (dom.isTextNode(node)) {
        out += escapeText(clean(node.value));
      } else if (dom.isCommentNode(node)) {
        tally.record("comment");
      } else if (dom.isElementNode(node)) {
        const tag = node.tagName;
        if (node.namespaceURI !== html.NS.HTML || REMOVED.has(tag) || (tag === "source" && !inPicture)) {
          tally.record("element", tag);
          restructured = true;
          continue;
        }
        let content = write(node.childNodes, depth + 1, inPicture || tag === "picture");
        // A parser drops the first newline after <pre>: all of them go, or each reading would lose one more.
        if (tag === "pre") content = content.replace(/^\n+/, "");
        if (!ALLOWED.has(tag)) {
          tally.record("unwrapped", tag);
          restructured = true;
          out += content;
        } else {
          out += `<${tag}${attributes(node)}>${VOID.has(tag) ? "" : `${content}</${tag}>`}`;
        }
      }
    }
    return out;
  };

  return { html: write(fragment.childNodes, 0, false), restructured };
}

export interface SanitizeResult {
  html: string;
  /** What was changed, one sentence per kind of change with its count; empty when nothing was. */
  changes: string[];
}

/**
 * Sanitises article HTML for feed readers: keeps allowlisted elements and attributes, removes dangerous
 * elements with their content, unwraps unknown ones, drops comments and the doctype, refuses URLs that are not
 * http(s) (mailto: in links, base64 PNG/GIF/JPEG/WebP/AVIF data: in images) and resolves the rest against
 * `baseUrl`. Its output parses back to the tree it was written from, so it sanitises to itself with no changes.
 * Throws SanitizeError for content nested too deep to keep.
 */
export function sanitizeHtml(source: string, baseUrl: string): SanitizeResult {
  const base = new URL(baseUrl).href;
  const tally = new Tally();
  const { text: input, removed } = removeForbidden(source);
  if (removed) tally.record("forbidden", "", removed);
  // A tree the parser built reads back as itself once written (a <pre>'s leading newline aside, dropped above).
  // One the filter restructured may not (an <li> an unwrapped parent kept inside another <li>, a <table> an
  // unwrapped <marquee> kept inside a <p>): it is parsed and written again until it does.
  let { html: out, restructured } = pass(input, base, tally);
  for (let round = 1; restructured && round < MAX_ROUNDS; round++) {
    const again = pass(out, base, tally).html;
    restructured = again !== out;
    out = again;
  }
  return { html: out, changes: tally.sentences() };
}
