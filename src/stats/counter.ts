import { sha256Base64url } from "../hash";
import { type Batch, type HashedClient, statsStore } from "./store";
import { dayOf, type Poll, Tally } from "./tally";

/** Batches kept for another try when the store could not be reached (they hold only hashes). */
const UNSENT_MAX = 4;

/**
 * One isolate's statistics: polls are counted in memory (`count`, no I/O) and sent in
 * the background at most once per interval. A flush hashes each distinct (IP, User-Agent)
 * with the day's salt first, so no IP leaves the isolate. A batch the store did not take
 * is sent again with the next flush; its id makes it count once. An isolate evicted
 * before it flushes loses at most one interval of counts.
 */
export class PollCounter {
  private tally = new Tally();
  private unsent: Batch[] = [];
  private readonly salts = new Map<number, string>();
  private due = 0;
  private flushing = 0;

  constructor(
    private readonly env: Env,
    private readonly intervalMs: number,
  ) {}

  /** Counts a poll, and starts a flush (which the request's `waitUntil` carries) once one is due. */
  count(poll: Poll, waitUntil: (p: Promise<unknown>) => void) {
    this.tally.count(poll);
    if (poll.now >= this.due && this.flushing === 0) waitUntil(this.flush(poll.now));
  }

  /** Sends what was counted so far (and any batch an earlier flush could not send). Never throws. */
  async flush(now = Date.now()): Promise<void> {
    this.due = now + this.intervalMs;
    const tally = this.tally;
    this.tally = new Tally();
    const batches = this.unsent.splice(0);
    this.flushing++;
    try {
      if (!tally.empty) batches.push(await this.seal(tally, now));
      const store = statsStore(this.env);
      for (const batch of batches) {
        await store.record(batch).catch((e) => {
          console.warn("statistics: the store did not take a batch; it goes with the next flush:", e);
          this.unsent.push(batch);
        });
      }
      this.unsent.splice(0, this.unsent.length - UNSENT_MAX);
    } catch (e) {
      console.warn("statistics: this interval's counts are lost:", e);
    } finally {
      this.flushing--;
    }
  }

  /** The tally as the store takes it: each client a hash of its IP and User-Agent with that day's salt. */
  private async seal(tally: Tally, now: number): Promise<Batch> {
    const clients = [...tally.clients.values()];
    const missing = [...new Set(clients.map((c) => c.day))].filter((day) => !this.salts.has(day));
    if (missing.length) {
      for (const [day, salt] of Object.entries(await statsStore(this.env).salts(missing))) this.salts.set(Number(day), salt);
    }
    for (const day of this.salts.keys()) if (day < dayOf(now) - 1) this.salts.delete(day);
    const hashed: HashedClient[] = [];
    for (const c of clients) {
      const salt = this.salts.get(c.day);
      if (salt === undefined) continue; // a day whose salt is gone: it can no longer be counted without counting twice
      hashed.push({ day: c.day, feed: c.feed, agent: c.agent, kind: c.kind, hash: sha256Base64url(`${salt}\n${c.ip}\n${c.ua}`, 12) });
    }
    return { id: crypto.randomUUID(), usage: [...tally.usage.values()], reports: [...tally.reports.values()], clients: hashed };
  }
}

const counters = new WeakMap<object, PollCounter>();

/** This isolate's counter for an environment's store. */
export function isolateCounter(env: Env, intervalMs: number): PollCounter {
  let counter = counters.get(env.STATS_STORE);
  if (!counter) {
    counter = new PollCounter(env, intervalMs);
    counters.set(env.STATS_STORE, counter);
  }
  return counter;
}

/** Forgets this isolate's counts unsent, as an evicted isolate does: what a test starts from. */
export const evictCounter = (env: Env) => counters.delete(env.STATS_STORE);
