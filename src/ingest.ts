import { ARTICLE_ID, ARTICLE_ID_RULE, ArticleSchema, fieldIssues } from "./article";
import { articleUrl } from "./feed/model";
import type { FieldError } from "./problem";
import type { Submission } from "./publisher";
import { SanitizeError, sanitizeHtml } from "./sanitize";
import type { Settings } from "./settings";
import { removedForbidden, removeForbidden } from "./unicode";

export type Ingested = { ok: true; submission: Submission; warnings: FieldError[] } | { ok: false; errors: FieldError[] };

/** Largest article accepted, in bytes of JSON. */
export const ARTICLE_MAX_BYTES = 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The body with every string value well-formed Unicode a feed can carry, at any depth, and a warning
 * naming each field that lost characters. (A key with such characters is no field's name: it is refused.)
 */
function wellFormed(value: unknown, warnings: FieldError[], path: string[] = []): unknown {
  if (typeof value === "string") {
    const { text, removed } = removeForbidden(value);
    if (removed) warnings.push({ field: path.join("."), reason: removedForbidden(removed) });
    return text;
  }
  if (Array.isArray(value)) return value.map((v, i) => wellFormed(v, warnings, [...path, String(i)]));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v, warnings, [...path, k])]));
  }
  return value;
}

/**
 * A publisher's article JSON → a validated, sanitised submission, or every problem
 * with it. `contentHtml` is sanitised first (relative URLs resolve against the
 * article's own URL), then the whole article is validated; what sanitising changed
 * comes back as warnings.
 */
export async function ingest(body: unknown, id: string, settings: Settings): Promise<Ingested> {
  if (!isObject(body)) return { ok: false, errors: [{ field: "(body)", reason: "must be a JSON object (an article)" }] };
  if ("id" in body && body.id !== id)
    return { ok: false, errors: [{ field: "id", reason: `must be left out or equal the id in the path (${id})` }] };
  const warnings: FieldError[] = [];
  const input: Record<string, unknown> = { ...(wellFormed(body, warnings) as Record<string, unknown>), id };
  if (typeof input.contentHtml === "string") {
    const base = typeof input.url === "string" && URL.canParse(input.url) ? input.url : articleUrl(settings, id);
    try {
      const { html, changes } = sanitizeHtml(input.contentHtml, base);
      input.contentHtml = html;
      warnings.push(...changes.map((reason) => ({ field: "contentHtml", reason })));
    } catch (e) {
      if (!(e instanceof SanitizeError)) throw e;
      return { ok: false, errors: [{ field: "contentHtml", reason: e.message }] };
    }
  }
  const parsed = ArticleSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldIssues(parsed.error) };
  return { ok: true, submission: { article: parsed.data, explicitUpdated: "updated" in body }, warnings };
}

/**
 * A batch's articles, all or nothing: every problem of every article, by index and
 * field, or every article ready to store. Ids must be in the bodies and unique.
 */
export async function ingestBatch(
  list: unknown[],
  settings: Settings,
): Promise<{ ok: true; accepted: { submission: Submission; warnings: FieldError[] }[] } | { ok: false; errors: FieldError[] }> {
  const errors: FieldError[] = [];
  const accepted: { submission: Submission; warnings: FieldError[] }[] = [];
  const seen = new Set<string>();
  for (const [index, item] of list.entries()) {
    const id = isObject(item) && typeof item.id === "string" ? item.id : "";
    if (!ARTICLE_ID.test(id)) {
      errors.push({ index, field: "id", reason: ARTICLE_ID_RULE });
      continue;
    }
    if (seen.has(id)) errors.push({ index, field: "id", reason: `${id} appears more than once in the batch` });
    seen.add(id);
    if (JSON.stringify(item).length > ARTICLE_MAX_BYTES)
      errors.push({ index, field: "(article)", reason: "is larger than the 1 MiB limit" });
    const result = await ingest(item, id, settings);
    if (result.ok) accepted.push(result);
    else errors.push(...result.errors.map((e) => ({ index, ...e })));
  }
  return errors.length ? { ok: false, errors } : { ok: true, accepted };
}
