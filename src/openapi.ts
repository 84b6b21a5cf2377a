import * as z from "zod";
import { ArticleSchema } from "./article";
import { MEDIA_NAME_RULE, MEDIA_TYPES } from "./media";
import type { Settings } from "./settings";
import { StatsReportSchema } from "./stats/report";
import { RETENTION_DAYS } from "./stats/store";

const json = (schema: object) => ({ "application/json": { schema } });
const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,127}$" } };
const nameParam = { name: "name", in: "path", required: true, description: MEDIA_NAME_RULE, schema: { type: "string" } };
const auth = [{ bearer: [] }];
/** Raw image bytes (OpenAPI 3.1: a media type with no schema is any bytes). */
const images = Object.fromEntries(MEDIA_TYPES.map((type) => [type, {}]));
const etag = { ETag: { description: "SHA-256 of the bytes", schema: { type: "string" } } };
const stored = { ...etag, Location: { description: "Where the image is served", schema: { type: "string" } } };
const preferParam = {
  name: "Prefer",
  in: "header",
  description: "respond-async (RFC 7240): answer 202 once the change is committed, before KV (and so the feeds) hold it",
  schema: { type: "string" },
};
const expected = {
  expectedInFeedsAt: { type: "string", format: "date-time", description: "When this location's feeds are expected to show the change" },
};
/** The 202 of a write answered before KV holds it: respond-async, or a round that failed and is retried. */
const accepted = (properties: object) => ({
  description:
    "Committed, not yet in KV: with Prefer: respond-async (Preference-Applied says so), or when the KV round failed and is retried",
  headers: { "Preference-Applied": { schema: { type: "string" } } },
  content: json({ type: "object", properties: { ...properties, ...expected } }),
});
/** Where an article stands; only the token's holder ever sees `scheduled`. */
const state = {
  state: {
    enum: ["live", "scheduled"],
    description: "scheduled: `published` is in the future; the article is in no public document until then, and goes live by itself",
  },
  goesLiveAt: { type: "string", description: "When a scheduled article goes live: its `published`, as written" },
};
const articleResult = {
  article: ref("Article"),
  status: { enum: ["created", "updated", "unchanged"] },
  ...state,
  warnings: { type: "array", items: ref("Warning") },
};
const batchResults = {
  results: {
    type: "array",
    items: {
      type: "object",
      properties: {
        id: { type: "string" },
        status: { enum: ["created", "updated", "unchanged"] },
        etag: { type: "string" },
        ...state,
        warnings: { type: "array", items: ref("Warning") },
      },
    },
  },
};
const writeErrors = {
  "400": problem("Malformed JSON or an invalid article (errors lists each field and reason)"),
  "401": problem("Missing or wrong bearer token"),
  "413": problem("Body over the limit"),
  "415": problem("Body is not JSON"),
  "503": problem("No PUBLISH_TOKEN configured: publishing is disabled"),
};

/** OpenAPI 3.1 for /api, its article schema generated from the same zod schema the API validates with. */
export function openApiDocument(settings: Settings) {
  return {
    openapi: "3.1.0",
    info: { title: `${settings.title}: feedwire publisher API`, version: "1" },
    servers: [{ url: `${settings.siteUrl}/api` }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Article: z.toJSONSchema(ArticleSchema, { io: "input", unrepresentable: "any" }),
        Problem: {
          type: "object",
          required: ["type", "title", "status", "detail"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            errors: {
              type: "array",
              items: { type: "object", properties: { field: { type: "string" }, reason: { type: "string" }, index: { type: "integer" } } },
            },
          },
        },
        StatsReport: z.toJSONSchema(StatsReportSchema, { io: "output" }),
        Warning: { type: "object", properties: { field: { type: "string" }, reason: { type: "string" } } },
        Media: {
          type: "object",
          properties: {
            name: { type: "string" },
            url: { type: "string", description: "Where the image is served: {SITE_URL}/media/{name}" },
            type: { type: "string" },
            bytes: { type: "integer" },
            status: { enum: ["created", "replaced", "unchanged"] },
          },
        },
      },
    },
    paths: {
      "/articles": {
        get: {
          summary: "Articles, newest first; scheduled ones only with the token (marked), or alone, soonest first, with ?state=scheduled",
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 50 } },
            { name: "cursor", in: "query", schema: { type: "string" }, description: "nextCursor of the previous page (same state)" },
            {
              name: "state",
              in: "query",
              schema: { enum: ["live", "scheduled", "all"] },
              description:
                "live (the default without the token), all (the default with it), or scheduled: upcoming ones, soonest first (token)",
            },
          ],
          security: [{}, ...auth],
          responses: {
            "200": {
              description: "A page",
              content: json({
                type: "object",
                properties: {
                  items: {
                    type: "array",
                    items: { type: "object", properties: { etag: { type: "string" }, article: ref("Article"), ...state } },
                  },
                  nextCursor: { type: ["string", "null"] },
                },
              }),
            },
            "400": problem("Bad limit, cursor or state"),
            "401": problem("state=scheduled or all without the token, or a wrong token"),
          },
        },
      },
      "/articles/{id}": {
        parameters: [idParam],
        get: {
          summary: "One article; a scheduled one only with the token",
          security: [{}, ...auth],
          responses: {
            "200": {
              description: "The article, with its ETag; the body is what a PUT takes back, so where it stands is a header",
              headers: {
                "Article-State": {
                  description: 'live, or scheduled; goes-live="<its published>" (seen only with the token)',
                  schema: { type: "string" },
                },
              },
              content: json(ref("Article")),
            },
            "401": problem("A wrong token (none is fine)"),
            "404": problem("Unknown id, or scheduled and asked without the token: it does not exist for anyone else yet"),
          },
        },
        put: {
          summary:
            "Create or replace an article (idempotent; If-Match / If-None-Match: * supported); answered once KV holds it. A `published` more than a second ahead schedules it",
          security: auth,
          parameters: [preferParam],
          requestBody: { required: true, content: json(ref("Article")) },
          responses: {
            "200": { description: "Replaced (or unchanged)", content: json({ type: "object", properties: articleResult }) },
            "201": { description: "Created", content: json({ type: "object", properties: articleResult }) },
            "202": accepted(articleResult),
            "412": problem("If-Match did not match, or If-None-Match: * and the article exists"),
            ...writeErrors,
          },
        },
        delete: {
          summary: "Retract an article: it leaves every feed and its page answers 410; a scheduled one is cancelled (never public: 404)",
          security: auth,
          parameters: [preferParam],
          responses: {
            "204": { description: "Retracted" },
            "202": accepted({ id: { type: "string" }, status: { const: "retracted" } }),
            "404": problem("Unknown id"),
            "412": problem("If-Match did not match"),
            "401": writeErrors["401"],
          },
        },
      },
      "/batch": {
        post: {
          summary: "Up to 100 articles, all or nothing",
          security: auth,
          parameters: [preferParam],
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["articles"],
              properties: { articles: { type: "array", maxItems: 100, items: ref("Article") } },
            }),
          },
          responses: {
            "200": { description: "Every article stored", content: json({ type: "object", properties: batchResults }) },
            "202": accepted(batchResults),
            ...writeErrors,
          },
        },
      },
      "/backlog": {
        get: {
          summary: "What is committed and not yet in KV: after respond-async writes, poll until it is empty",
          security: auth,
          responses: {
            "200": {
              description: "The backlog",
              content: json({
                type: "object",
                properties: {
                  articles: { type: "integer", description: "Articles committed and not yet written to KV" },
                  documents: { type: "boolean", description: "Whether feed documents wait to be written" },
                  expectedInFeedsAt: { type: ["string", "null"], format: "date-time" },
                },
              }),
            },
            "401": writeErrors["401"],
          },
        },
      },
      "/stats": {
        get: {
          summary:
            "Subscriber statistics per day and feed: estimated subscribers by reader, polls, conditional share, bytes, impolite clients",
          security: auth,
          parameters: [
            {
              name: "days",
              in: "query",
              schema: { type: "integer", minimum: 1, maximum: RETENTION_DAYS, default: 30 },
              description: "The last days, today (UTC) included",
            },
            {
              name: "feed",
              in: "query",
              schema: { type: "string" },
              description: "One current feed's path (/feed.xml, /sections/world/atom.xml); the total comes too",
            },
          ],
          responses: {
            "200": {
              description: `One entry a day, oldest first; days older than ${RETENTION_DAYS} are dropped`,
              content: json(ref("StatsReport")),
            },
            "400": problem("days or feed is not valid (errors names it)"),
            "401": writeErrors["401"],
            "404": problem("Statistics are off (STATS=off)"),
          },
        },
      },
      "/media/{name}": {
        parameters: [nameParam],
        get: {
          summary: "An uploaded image, as /media/{name} serves it (HEAD gives its ETag alone; If-None-Match supported)",
          responses: {
            "200": { description: "The image", headers: etag, content: images },
            "304": { description: "If-None-Match matched" },
            "400": problem("Invalid name"),
            "404": problem("No such image"),
          },
        },
        put: {
          summary: "Upload or replace an image, served at /media/{name} (SVG under a CSP that runs no script)",
          security: auth,
          requestBody: { required: true, description: "The raw bytes, at most 10 MiB", content: images },
          responses: {
            "200": { description: "Replaced (or unchanged)", headers: stored, content: json(ref("Media")) },
            "201": { description: "Created", headers: stored, content: json(ref("Media")) },
            ...writeErrors,
            "400": problem("Invalid name, or an empty body"),
            "415": problem("Content-Type is not the image type of the name's extension"),
          },
        },
        delete: {
          summary: "Delete an image",
          security: auth,
          responses: { "204": { description: "Deleted" }, "404": problem("No such image"), "401": writeErrors["401"] },
        },
      },
    },
  };
}
