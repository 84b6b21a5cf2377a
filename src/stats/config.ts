import * as z from "zod";

/** The statistics' own `[vars]`: read apart from the site settings, which shape every ETag. */
const StatsConfigSchema = z
  .object({
    /** "off" turns the whole feature off: nothing counted, nothing sent, the page and API say so. */
    STATS: z.enum(["on", "off"]).default("on"),
    /** How often, at most, an isolate sends its counts to the store. */
    STATS_FLUSH_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  })
  .transform((v) => ({ on: v.STATS === "on", flushMs: v.STATS_FLUSH_SECONDS * 1000 }));

export type StatsConfig = z.output<typeof StatsConfigSchema>;

const parsed = new WeakMap<object, StatsConfig>();

/** Reads and validates the statistics settings once per env; a bad value throws naming the variable. */
export function statsConfig(env: Env): StatsConfig {
  let config = parsed.get(env);
  if (!config) {
    const result = StatsConfigSchema.safeParse(env);
    if (!result.success) {
      throw new Error(
        `invalid feedwire configuration in [vars]: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    config = result.data;
    parsed.set(env, config);
  }
  return config;
}
