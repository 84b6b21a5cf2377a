import { settingsFrom } from "../settings";
import { statsConfig } from "./config";
import { isolateCounter } from "./counter";
import { buildReport, type StatsQuery, type StatsReport } from "./report";
import { statsStore } from "./store";
import { dayOf } from "./tally";

/**
 * The last `days` days up to today (UTC), with this isolate's own counts sent first so
 * the answer includes the polls it has just served; other isolates' arrive within an interval.
 */
export async function readStats(env: Env, query: StatsQuery, now = Date.now()): Promise<StatsReport> {
  const config = statsConfig(env);
  await isolateCounter(env, config.flushMs).flush(now);
  const to = dayOf(now);
  const from = to - query.days + 1;
  return buildReport(await statsStore(env).counts(from, to, query.feed), from, to, settingsFrom(env).maxAge);
}
