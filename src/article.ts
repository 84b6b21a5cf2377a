import * as z from "zod";
import { sha256Base64url } from "./hash";
import { stripForbidden } from "./unicode";

/** Text without the code points no feed may carry (the API warns about each field it strips; src/ingest.ts). */
const text = z.string().transform(stripForbidden);
const line = text.pipe(z.string().trim().min(1, "must not be empty"));

/**
 * Absolute http(s) URL (feeds are read far from the site, so relative links break),
 * normalised to its WHATWG serialisation so unsafe characters arrive percent-encoded.
 */
const httpUrl = z
  .url({ protocol: /^https?$/, hostname: z.regexes.hostname, error: "must be an absolute http(s) URL" })
  .transform((url) => new URL(url).href);

/** RFC 3339 date-time with an explicit offset, kept as written so feeds can show the publisher's offset. */
const rfc3339 = z.iso.datetime({ offset: true, error: "must be an RFC 3339 date-time with a UTC offset, e.g. 2017-07-20T20:12:00-04:00" });

/** At most this many authors, and this many tags, per article. */
const SCOPES_MAX = 32;
/**
 * A section, author or tag name has a feed whose KV key holds its slug (src/store.ts):
 * 100 characters keep every such key well under KV's 512 bytes.
 */
const NAME_MAX = 100;
const name = text.pipe(z.string().trim().min(1, "must not be empty").max(NAME_MAX, `must be at most ${NAME_MAX} characters`));

export const ARTICLE_ID = /^[a-z0-9][a-z0-9-]{0,127}$/;
export const ARTICLE_ID_RULE = "must be 1-128 of a-z, 0-9 and '-', starting with a letter or digit";

export const AuthorSchema = z.strictObject({
  name,
  url: httpUrl.optional(),
  email: z.email("must be an e-mail address").optional(),
});

export const ImageSchema = z.strictObject({
  url: httpUrl,
  caption: line.optional(),
  credit: line.optional(),
  width: z.int().positive().optional(),
  height: z.int().positive().optional(),
  type: z
    .string()
    .regex(/^image\/[a-z0-9.+-]+$/, "must be an image MIME type such as image/jpeg")
    .optional(),
});

/**
 * The article: the one model the content loader, the store, the renderers and the
 * publisher API share. Field names are the public contract.
 */
export const ArticleSchema = z
  .strictObject({
    id: z.string().regex(ARTICLE_ID, ARTICLE_ID_RULE),
    title: line,
    url: httpUrl.optional(),
    summary: line.optional(),
    contentHtml: line.optional(),
    // Each author and tag has a feed that every publish may rewrite and ping: bounded per article.
    authors: z.array(AuthorSchema).min(1, "needs at least one author").max(SCOPES_MAX, `has at most ${SCOPES_MAX} authors`),
    published: rfc3339,
    updated: rfc3339.optional(),
    section: name.optional(),
    tags: z.array(name).max(SCOPES_MAX, `has at most ${SCOPES_MAX} tags`).default([]),
    image: ImageSchema.optional(),
    dateline: line.optional(),
    language: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/, "must be a BCP 47 language tag such as en or pt-BR")
      .optional(),
  })
  .refine((a) => a.summary !== undefined || a.contentHtml !== undefined, {
    message: "needs a summary or contentHtml (or both)",
    path: ["contentHtml"],
  })
  .refine((a) => a.updated === undefined || Date.parse(a.updated) >= Date.parse(a.published), {
    message: "must not be earlier than published",
    path: ["updated"],
  })
  .transform((a) => ({ ...a, updated: a.updated ?? a.published }));

/** What publishers send (updated optional, tags optional). */
export type ArticleInput = z.input<typeof ArticleSchema>;
/** What is stored and rendered (updated filled in). */
export type Article = z.output<typeof ArticleSchema>;
export type Author = Article["authors"][number];
export type Image = NonNullable<Article["image"]>;

/** One problem with a field, as `{ field, reason }`; `field` is a dotted path such as `authors.0.email`. */
export interface FieldIssue {
  field: string;
  reason: string;
}

/** Each issue as `{ field, reason }`; an unknown key is named by its own path, at any depth (`authors.0.nmae`). */
export const fieldIssues = (error: z.ZodError): FieldIssue[] =>
  error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ field: [...issue.path, key].map(String).join("."), reason: "unknown field" }))
      : [{ field: issue.path.map(String).join(".") || "(article)", reason: issue.message }],
  );

/** JSON with object keys sorted at every level: equal articles give equal strings (and ETags). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** A strong ETag for a stored article: the first 128 bits of the SHA-256 of its canonical JSON. */
export function articleEtag(article: Article): string {
  return `"${sha256Base64url(canonicalJson(article))}"`;
}
