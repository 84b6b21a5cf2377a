import * as z from "zod";

const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/;

/** Site settings from `[vars]` in wrangler.toml, validated and renamed once per isolate. */
const SettingsSchema = z
  .object({
    SITE_URL: z.url({ protocol: /^https?$/ }),
    SITE_TITLE: z.string().min(1),
    SITE_DESCRIPTION: z.string().min(1),
    SITE_LANGUAGE: z.string().regex(LANGUAGE_TAG),
    SITE_COPYRIGHT: z.string().min(1),
    /** RFC 4151 tag authority, `domain,date`: item ids are `tag:{ID_AUTHORITY}:{id}`. */
    ID_AUTHORITY: z.string().regex(/^[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?$/i),
    ITEMS_PER_FEED: z.coerce.number().int().min(1).max(500),
    /** Cache-Control for feeds and pages (RFC 9111, RFC 5861), in seconds. */
    CACHE_MAX_AGE: z.coerce.number().int().min(60).max(86_400),
    CACHE_STALE_WHILE_REVALIDATE: z.coerce.number().int().min(0),
    CACHE_STALE_IF_ERROR: z.coerce.number().int().min(0),
    /** max-age of archive pages (RFC 5005): they change only when an archived article is edited or retracted. */
    CACHE_ARCHIVE_MAX_AGE: z.coerce.number().int().min(60).default(86_400),
    /** "off" renders every request (for benchmarking the miss path); "on" keeps rendered feeds in memory and the Cache API. */
    RESPONSE_CACHE: z.enum(["on", "off"]).default("on"),
    /** WebSub hubs, comma-separated; empty: none. */
    WEBSUB_HUBS: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((h) => h.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url({ protocol: /^https?$/ }))),
    /** Seconds between a change and the hub pings: KV takes up to 60 s to reach every location a hub may fetch from. */
    WEBSUB_PING_DELAY: z.coerce.number().int().min(0).max(3600).default(60),
    /** An unconditional fetch of the same feed by the same client sooner than this many seconds gets 429; 0 turns it off. */
    POLL_MIN_INTERVAL: z.coerce.number().int().min(0).default(0),
  })
  .transform((v) => ({
    siteUrl: v.SITE_URL.replace(/\/+$/, ""),
    title: v.SITE_TITLE,
    description: v.SITE_DESCRIPTION,
    language: v.SITE_LANGUAGE,
    copyright: v.SITE_COPYRIGHT,
    idAuthority: v.ID_AUTHORITY,
    itemsPerFeed: v.ITEMS_PER_FEED,
    maxAge: v.CACHE_MAX_AGE,
    staleWhileRevalidate: v.CACHE_STALE_WHILE_REVALIDATE,
    staleIfError: v.CACHE_STALE_IF_ERROR,
    archiveMaxAge: v.CACHE_ARCHIVE_MAX_AGE,
    responseCache: v.RESPONSE_CACHE === "on",
    hubs: v.WEBSUB_HUBS,
    pingDelayMs: v.WEBSUB_PING_DELAY * 1000,
    pollMinInterval: v.POLL_MIN_INTERVAL,
  }));

export type Settings = z.output<typeof SettingsSchema>;

const parsed = new WeakMap<object, Settings>();

/** Reads and validates the settings; a bad value throws naming the variable. */
export function settingsFrom(env: Env): Settings {
  let settings = parsed.get(env);
  if (!settings) {
    const result = SettingsSchema.safeParse(env);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`invalid feedwire configuration in [vars]: ${problems}`);
    }
    settings = result.data;
    parsed.set(env, settings);
  }
  return settings;
}
