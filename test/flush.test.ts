import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { countingKv, makeArticle, publish, publisher } from "./helpers";

/** Whether the Publisher still has anything to write to KV. */
const pending = () =>
  runInDurableObject(publisher(), (_, state) => {
    const sql = state.storage.sql;
    return sql.exec("SELECT 1 FROM dirty UNION ALL SELECT 1 FROM outbox LIMIT 1").toArray().length > 0;
  });

it("keeps every flush round under KV's 1,000 operations, even when many feeds change at once", async () => {
  // 20 articles with 32 authors and 32 tags each, all their own: 1,281 feeds, all emptied by one retraction wave.
  const own = (n: number, kind: string) => Array.from({ length: 32 }, (_, i) => `${kind} ${n}.${i}`);
  const articles = Array.from({ length: 20 }, (_, n) =>
    makeArticle({ id: `a${n}`, authors: own(n, "author").map((name) => ({ name })), tags: own(n, "tag") }),
  );
  await publish(articles);
  while (await pending()) await runDurableObjectAlarm(publisher());
  const rounds: number[] = [];
  await runInDurableObject(publisher(), (instance: unknown) => {
    const target = instance as { env: Env; flush: () => Promise<void> };
    const { kv, counts } = countingKv(target.env.ARTICLES);
    target.env = { ...target.env, ARTICLES: kv };
    const flush = target.flush.bind(target);
    target.flush = async () => {
      const before = counts.reads + counts.writes + counts.deletes + counts.lists;
      await flush();
      rounds.push(counts.reads + counts.writes + counts.deletes + counts.lists - before);
    };
  });
  await Promise.all(articles.map((a) => publisher().remove(a.id)));
  while (await pending()) await runDurableObjectAlarm(publisher());
  expect(Math.max(...rounds)).toBeLessThanOrEqual(1000);
  // Every emptied feed is gone in the end.
  expect(rounds.reduce((a, b) => a + b, 0)).toBeGreaterThan(1281);
});
