import { Marked } from "marked";
import { parse as parseYaml } from "yaml";
import { type Article, ArticleSchema, fieldIssues } from "./article";
import { SanitizeError, sanitizeHtml } from "./sanitize";

/** A content file as read from disk: its path (for messages) and its text. */
export interface ContentFile {
  path: string;
  text: string;
}

export interface ContentProblem {
  file: string;
  field: string;
  reason: string;
}

/** Every problem found in content/, one per file and field; nothing is loaded when there is one. */
export class ContentError extends Error {
  constructor(readonly problems: ContentProblem[]) {
    super(problems.map((p) => `${p.file}: ${p.field}: ${p.reason}`).join("\n"));
    this.name = "ContentError";
  }
}

/**
 * Markdown → HTML as the server will store it: the publisher API's sanitiser drops
 * `class` attributes, so fenced code gets no `language-*` class. Otherwise a file
 * would never equal its stored article, and sync would resend it on every push.
 */
const markdown = new Marked({
  walkTokens: (token) => {
    if (token.type === "code") token.lang = "";
  },
});

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/;

/** Content files: Markdown (`.md`), or HTML (`.html`) whose body is taken as it is. */
export const CONTENT_FILE = /\.(md|html)$/;

/** `content/samples/some-id.md` → `some-id`: the file name is the article id. */
export const idFromPath = (path: string) => (path.split("/").pop() ?? "").replace(CONTENT_FILE, "");

/** A content file's article, and whether its front matter gives `updated` (when it does not, the server owns it). */
export interface ContentArticle {
  path: string;
  article: Article;
  explicitUpdated: boolean;
}

/**
 * The body as the server stores it when its sanitiser has nothing to change: written out the one way it
 * writes HTML (characters for references, `<br>` for `<br />`...). Otherwise as it is, so the server's
 * warnings say what changes on every push. No URL was resolved when nothing changed, so the base is moot.
 */
function canonical(html: string, siteUrl: string, fail: (field: string, reason: string) => never): string {
  try {
    const sanitized = sanitizeHtml(html, siteUrl);
    return sanitized.changes.length ? html : sanitized.html;
  } catch (e) {
    if (e instanceof SanitizeError) return fail("contentHtml", e.message);
    throw e;
  }
}

/**
 * One content file with YAML front matter → one article (validated). The body is
 * Markdown in a `.md` file and HTML, taken verbatim, in an `.html` file. The `yaml`
 * package's YAML 1.2 core schema keeps dates as the strings written, so the
 * publisher's UTC offset survives (js-yaml would turn them into UTC Dates).
 * Root-relative image URLs (`/media/x.svg`) are resolved against the site URL.
 */
export function parseContentFile(file: ContentFile, siteUrl: string): ContentArticle {
  const fail = (field: string, reason: string): never => {
    throw new ContentError([{ file: file.path, field, reason }]);
  };
  const match = FRONT_MATTER.exec(file.text);
  if (!match) return fail("(front matter)", "the file must start with YAML front matter between two '---' lines");
  let meta: unknown;
  try {
    meta = parseYaml(match[1]);
  } catch (e) {
    return fail("(front matter)", `not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return fail("(front matter)", "must be a YAML mapping of fields");
  const fields = meta as Record<string, unknown>;
  const id = idFromPath(file.path);
  if ("id" in fields && fields.id !== id) fail("id", `must match the file name (${id}), or be left out`);
  if ("contentHtml" in fields) fail("contentHtml", "comes from the body after the front matter, not from the front matter");
  const body = match[2].trim();
  const html = canonical(file.path.endsWith(".html") ? body : markdown.parse(body, { async: false }), siteUrl, fail);
  const image = fields.image as { url?: unknown } | undefined;
  const candidate = {
    ...fields,
    id,
    ...(body ? { contentHtml: html } : {}),
    ...(image && typeof image.url === "string" && image.url.startsWith("/")
      ? { image: { ...image, url: new URL(image.url, siteUrl).href } }
      : {}),
  };
  const result = ArticleSchema.safeParse(candidate);
  if (!result.success) {
    throw new ContentError(fieldIssues(result.error).map((i) => ({ file: file.path, ...i })));
  }
  return { path: file.path, article: result.data, explicitUpdated: "updated" in fields };
}

export const parseArticleFile = (file: ContentFile, siteUrl: string): Article => parseContentFile(file, siteUrl).article;

/** All of content/, all or nothing: every file's problems are reported together, and duplicate ids are refused. */
export function loadContentFiles(files: ContentFile[], siteUrl: string): ContentArticle[] {
  const problems: ContentProblem[] = [];
  const loaded: ContentArticle[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    try {
      const content = parseContentFile(file, siteUrl);
      const first = seen.get(content.article.id);
      if (first) problems.push({ file: file.path, field: "id", reason: `${content.article.id} is already used by ${first}` });
      seen.set(content.article.id, file.path);
      loaded.push(content);
    } catch (e) {
      if (!(e instanceof ContentError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length) throw new ContentError(problems);
  return loaded;
}

export const loadContent = (files: ContentFile[], siteUrl: string): Article[] => loadContentFiles(files, siteUrl).map((c) => c.article);
