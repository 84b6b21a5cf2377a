// Allowlist sanitising of a publisher's `contentHtml`, on the way in.
//
// Feed readers render `contentHtml` as HTML, often inside their own pages, so per the publisher API's
// content-safety rules only a fixed set of elements, attributes and URL schemes gets through: markup that can
// run script, load active content, submit forms or restyle the reader is removed, and every kept URL is made
// absolute, since a feed is read far from the site. It runs on the Workers runtime's streaming `HTMLRewriter`
// (lol-html), which tokenises the way browsers do and passes text and untouched attributes through as written,
// so clean content comes out exactly as it went in, and sanitised output sanitises to itself.

// Kept as they are.
const ALLOWED = new Set(
  (
    "p br hr h1 h2 h3 h4 h5 h6 blockquote pre code em strong b i u s del ins sub sup small mark q cite abbr dfn kbd samp var " +
    "time span div a img figure figcaption picture source ul ol li dl dt dd table thead tbody tfoot tr th td caption col colgroup " +
    "details summary"
  ).split(" "),
);

// Removed with their content. Every other element is unwrapped: its tags go, its content stays. xmp, noembed,
// noframes and plaintext are removed too because their content is raw text: unwrapping them would turn text
// such as `<img onerror=…>` into markup.
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

// Every named character reference whose value is ASCII (WHATWG list), by value.
const ASCII_REFERENCES = new Map(
  Object.entries({
    "\t": "Tab",
    "\n": "NewLine",
    "!": "excl",
    '"': "quot QUOT",
    "#": "num",
    $: "dollar",
    "%": "percnt",
    "&": "amp AMP",
    "'": "apos",
    "(": "lpar",
    ")": "rpar",
    "*": "ast midast",
    "+": "plus",
    ",": "comma",
    ".": "period",
    "/": "sol",
    ":": "colon",
    ";": "semi",
    "<": "lt LT",
    "=": "equals",
    ">": "gt GT",
    "?": "quest",
    "@": "commat",
    "[": "lsqb lbrack",
    "\\": "bsol",
    "]": "rsqb rbrack",
    "^": "Hat",
    _: "lowbar UnderBar",
    "`": "grave DiacriticalGrave",
    "{": "lcub lbrace",
    "|": "verbar vert VerticalLine",
    "}": "rcub rbrace",
    fj: "fjlig",
  }).flatMap(([value, names]) => names.split(" ").map((name) => [name, value])),
);
// The ASCII references an attribute value may leave without ";" (unless "=" follows).
const LEGACY_REFERENCES = new Set(["amp", "AMP", "lt", "LT", "gt", "GT", "quot", "QUOT"]);

// HTMLRewriter hands over attribute values raw, entities and all. This decodes every numeric reference and every
// named one whose value is ASCII, which is all a URL's scheme can be made of, so `javascript&colon;` and
// `&#106;avascript:` are seen for what they are. Other named references (`&eacute;`) stay as written.
const decodeReferences = (raw: string): string =>
  raw.replace(/&#(\d+);?|&#x([\da-f]+);?|&([a-z\d]+)(;?)/gi, (reference, decimal, hex, name, semicolon, offset: number) => {
    if (name === undefined) {
      const code = Number.parseInt(decimal ?? hex, decimal ? 10 : 16);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : "\uFFFD";
    }
    const legacy = LEGACY_REFERENCES.has(name) && raw[offset + reference.length] !== "=";
    return (semicolon || legacy ? ASCII_REFERENCES.get(name) : undefined) ?? reference;
  });

type UrlCheck = { refused: string } | { value: string; change?: "resolved" | "normalised" };

// A URL attribute's value made absolute against `base` (a fragment-only `#x` too: ids are not kept, so it can
// only mean a place in the article's page), or the scheme it was refused for. A value that changes is written
// back in its WHATWG serialisation with `&` and `"` escaped, so a reader sees exactly the URL that was checked.
function checkUrl(raw: string, name: string, tag: string, base: string): UrlCheck {
  const value = decodeReferences(raw);
  const url = URL.parse(value, base);
  if (!url) return { refused: "invalid" };
  const { protocol, href } = url;
  const safe =
    protocol === "http:" ||
    protocol === "https:" ||
    (protocol === "mailto:" && name === "href") ||
    (tag === "img" && DATA_IMAGE.test(href));
  if (!safe) return { refused: protocol };
  if (href === value) return { value: raw };
  return { value: href.replaceAll("&", "&amp;").replaceAll('"', "&quot;"), change: URL.canParse(value) ? "normalised" : "resolved" };
}

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
  escaped: (n) => `escaped ${plural(n, "bare < character")} in text as &lt;`,
  comment: (n) => `removed ${plural(n, "comment")}`,
  doctype: () => "removed the doctype",
} satisfies Record<string, (n: number, subject: string) => string>;
type Change = keyof typeof SENTENCES;

// `<feedwire-end '">` is appended to the input: HTMLRewriter passes a tag left open at the end through raw, and a
// reader that puts more markup after the content would complete it. This closes it (whatever quote it is in), so
// it is sanitised like any other; when nothing is open it is an element of its own, dropped silently.
const END = "feedwire-end";

export interface SanitizeResult {
  html: string;
  /** What was changed, one sentence per kind of change with its count; empty when nothing was. */
  changes: string[];
}

/**
 * Sanitises article HTML for feed readers: keeps allowlisted elements and attributes, removes dangerous
 * elements with their content, unwraps unknown ones, drops comments and the doctype, refuses URLs that are not
 * http(s) (mailto: in links, base64 PNG/GIF/JPEG/WebP/AVIF data: in images) and resolves the rest against
 * `baseUrl`. Idempotent: its output sanitises to itself with no changes.
 */
export async function sanitizeHtml(html: string, baseUrl: string): Promise<SanitizeResult> {
  const base = new URL(baseUrl).href;
  const tally = new Map<Change, Map<string, number>>();
  const record = (change: Change, subject = "", times = 1) => {
    const counts = tally.get(change) ?? new Map<string, number>();
    tally.set(change, counts.set(subject, (counts.get(subject) ?? 0) + times));
  };
  let pictures = 0; // open <picture> elements
  let removing = 0; // open elements being removed with their content: what is inside them is not counted again

  const sanitizeAttributes = (element: Element, tag: string) => {
    const values = new Map<string, string>();
    const duplicates = new Map<string, number>();
    for (const [name, value] of element.attributes) {
      if (values.has(name)) duplicates.set(name, (duplicates.get(name) ?? 0) + 1);
      else values.set(name, value);
    }
    for (const [name, raw] of values) {
      if (!GLOBAL_ATTRIBUTES.includes(name) && !ATTRIBUTES[tag]?.includes(name)) {
        element.removeAttribute(name);
        record("attribute", name);
        continue;
      }
      let value = raw;
      if (URL_ATTRIBUTES.has(name)) {
        const checked = checkUrl(raw, name, tag, base);
        if ("refused" in checked) {
          element.removeAttribute(name);
          record("url", checked.refused);
          continue;
        }
        value = checked.value;
        if (checked.change) record(checked.change, checked.change === "resolved" ? baseUrl : "");
      }
      // Browsers keep the first of repeated attributes; removeAttribute drops them all, setAttribute sets only the first.
      const repeats = duplicates.get(name);
      if (repeats) {
        element.removeAttribute(name);
        record("duplicate", name, repeats);
      }
      if (repeats || value !== raw) element.setAttribute(name, value);
    }
  };

  const removeWithContent = (element: Element) => {
    element.remove();
    try {
      element.onEndTag(() => {
        removing--;
      });
      removing++;
    } catch {
      // A void or self-closed element has no end tag, and nothing inside it.
    }
  };

  const rewriter = new HTMLRewriter()
    .on("*", {
      element(element) {
        const tag = element.tagName;
        if (element.removed) return; // inside an element removed with its content
        if (tag === END) {
          element.removeAndKeepContent();
        } else if (REMOVED.has(tag) || (tag === "source" && pictures === 0)) {
          record("element", tag);
          // lol-html does not know <frame> is void: remove() would take the rest of the input with it.
          if (tag === "frame") element.removeAndKeepContent();
          else removeWithContent(element);
        } else if (!ALLOWED.has(tag)) {
          element.removeAndKeepContent();
          record("unwrapped", tag);
        } else {
          if (tag === "picture") {
            pictures++;
            element.onEndTag(() => {
              pictures--;
            });
          }
          sanitizeAttributes(element, tag);
        }
      },
    })
    .onDocument({
      comments(comment) {
        comment.remove();
        if (removing === 0) record("comment");
      },
      // A "<" that did not start a tag is text, but would start one if what follows it were removed.
      text(text) {
        const bare = text.text.split("<").length - 1;
        if (bare === 0) return;
        text.replace(text.text.replaceAll("<", "&lt;"), { html: true });
        if (removing === 0) record("escaped", "", bare);
      },
    });

  const input = html.replace(/^(\s*)<!doctype[^>]*>/i, (_, space: string) => {
    record("doctype");
    return space;
  });
  const output = await rewriter.transform(new Response(`${input}<${END} '">`)).text();
  const changes = Object.entries(SENTENCES).flatMap(([change, sentence]) => {
    const counts = tally.get(change as Change) ?? new Map<string, number>();
    return [...counts.keys()].sort().map((subject) => sentence(counts.get(subject) ?? 0, subject));
  });
  return { html: output, changes };
}
