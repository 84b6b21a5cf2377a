import { z } from "zod";

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
  })
  .transform((v) => ({
    siteUrl: v.SITE_URL.replace(/\/+$/, ""),
    title: v.SITE_TITLE,
    description: v.SITE_DESCRIPTION,
    language: v.SITE_LANGUAGE,
    copyright: v.SITE_COPYRIGHT,
    idAuthority: v.ID_AUTHORITY,
    itemsPerFeed: v.ITEMS_PER_FEED,
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
