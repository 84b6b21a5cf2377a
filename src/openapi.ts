import * as z from "zod";
import { ArticleSchema } from "./article";
import { MEDIA_NAME_RULE, MEDIA_TYPES } from "./media";
import type { Settings } from "./settings";

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
          summary: "Articles, newest first",
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 50 } },
            { name: "cursor", in: "query", schema: { type: "string" }, description: "nextCursor of the previous page" },
          ],
          responses: {
            "200": {
              description: "A page",
              content: json({
                type: "object",
                properties: {
                  items: { type: "array", items: { type: "object", properties: { etag: { type: "string" }, article: ref("Article") } } },
                  nextCursor: { type: ["string", "null"] },
                },
              }),
            },
            "400": problem("Bad limit or cursor"),
          },
        },
      },
      "/articles/{id}": {
        parameters: [idParam],
        get: {
          summary: "One article",
          responses: { "200": { description: "The article, with its ETag", content: json(ref("Article")) }, "404": problem("Unknown id") },
        },
        put: {
          summary: "Create or replace an article (idempotent; If-Match / If-None-Match: * supported)",
          security: auth,
          requestBody: { required: true, content: json(ref("Article")) },
          responses: {
            "200": {
              description: "Replaced (or unchanged)",
              content: json({
                type: "object",
                properties: { article: ref("Article"), warnings: { type: "array", items: ref("Warning") } },
              }),
            },
            "201": {
              description: "Created",
              content: json({
                type: "object",
                properties: { article: ref("Article"), warnings: { type: "array", items: ref("Warning") } },
              }),
            },
            "412": problem("If-Match did not match, or If-None-Match: * and the article exists"),
            ...writeErrors,
          },
        },
        delete: {
          summary: "Retract an article: it leaves every feed and its page answers 410",
          security: auth,
          responses: {
            "204": { description: "Retracted" },
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
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["articles"],
              properties: { articles: { type: "array", maxItems: 100, items: ref("Article") } },
            }),
          },
          responses: {
            "200": {
              description: "Every article stored",
              content: json({
                type: "object",
                properties: {
                  results: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        id: { type: "string" },
                        status: { enum: ["created", "updated", "unchanged"] },
                        etag: { type: "string" },
                        warnings: { type: "array", items: ref("Warning") },
                      },
                    },
                  },
                },
              }),
            },
            ...writeErrors,
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
