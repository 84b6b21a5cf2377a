import type { RoundResult } from "./flush";

/** A round waits for commits to stop arriving this long, so writers that arrive together share it… */
const QUIET_MS = 15;
/** …but never longer than this past the time it could have started. */
const GATHER_MAX_MS = 250;
/** After a failed round, the alarm tries again this much later (writers that arrive meanwhile try at once). */
const RETRY_MS = 5000;

/** What a writer learns once its commit reached KV, or failed to. */
export interface Carried {
  /** False when the round that carried the commit failed: it is committed, and the alarm retries it. */
  inKv: boolean;
  indexes?: RoundResult["indexes"];
}

/** How a round ended, for the writers waiting on it. */
interface Outcome {
  /** The last commit number it carried whole (or, when it failed, tried to); 0 when it left some of its snapshot for later. */
  carried: number;
  failed: boolean;
  indexes?: RoundResult["indexes"];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Shares KV rounds among concurrent writers. Commits are numbered; a round carries every
 * commit made before it took its snapshot, so a writer waits for at most the round in
 * progress plus the one that carries it. Rounds run one at a time. Each invocation (a
 * request or the alarm) runs at most one, so none makes more KV operations than a round's
 * budget; a writer still waiting after that is carried by others' rounds or the alarm's.
 */
export class Rounds {
  private commits = 0;
  private lastCommitAt = 0;
  private running?: Promise<Outcome>;
  /** How long the last round took to write, for estimating when a change will be in KV. */
  private lastRoundMs = 0;
  private retryAt = 0;
  /** Settled by the next round to end: what a writer that may run no more rounds waits on. */
  private ended = Promise.withResolvers<Outcome>();

  constructor(
    private readonly flusher: { readyAt(): number; round(): Promise<RoundResult> },
    /** Called when there is work left that no waiting writer will take: the alarm's cue. */
    private readonly wakeAt: (at: number) => Promise<void>,
  ) {}

  /** Numbers a commit; call it in the same synchronous block that writes the commit to SQLite. */
  commit(): number {
    this.lastCommitAt = Date.now();
    return ++this.commits;
  }

  /** When the next round can start (a failed one is retried after a pause). */
  nextRoundAt(): number {
    return Math.max(Date.now(), this.flusher.readyAt(), this.retryAt);
  }

  /** When a commit made now is expected to be in KV: after the round in progress, if any, and the next. */
  expectedAt(): number {
    return this.nextRoundAt() + (this.running ? this.lastRoundMs + 1000 : 0) + this.lastRoundMs;
  }

  /** Resolves once commit `seq` is in KV (documents included), or the round that carried it failed. */
  async carry(seq: number): Promise<Carried> {
    let ran = false;
    for (;;) {
      let outcome: Outcome;
      if (this.running) outcome = await this.running;
      else if (!ran) {
        ran = true;
        outcome = await this.runOne();
      } else {
        await this.wakeAt(this.nextRoundAt());
        outcome = await this.ended.promise;
      }
      // A round that failed before this commit was made says nothing about it: the next one is tried.
      if (outcome.carried >= seq) return { inKv: !outcome.failed, indexes: outcome.indexes };
    }
  }

  /** Runs one round (after the one in progress, if any), or none when nothing is pending; for the alarm. */
  async runOne(): Promise<Outcome> {
    while (this.running) await this.running;
    const run = this.gatherThenFlush();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = undefined;
    }
  }

  private async gatherThenFlush(): Promise<Outcome> {
    const ready = Math.max(Date.now(), this.flusher.readyAt());
    for (;;) {
      const wait = Math.min(Math.max(this.flusher.readyAt(), this.lastCommitAt + QUIET_MS), ready + GATHER_MAX_MS) - Date.now();
      if (wait <= 0) break;
      await sleep(wait);
    }
    // The flusher reads its snapshot synchronously, before its first await: exactly the commits made so far.
    const upTo = this.commits;
    const started = Date.now();
    let outcome: Outcome;
    try {
      const result = await this.flusher.round();
      outcome = { carried: result.complete ? upTo : 0, failed: false, indexes: result.indexes };
      this.lastRoundMs = Date.now() - started;
      if (result.more) await this.wakeAt(this.nextRoundAt());
    } catch (e) {
      console.error("publisher: KV round failed, retrying:", e);
      outcome = { carried: upTo, failed: true };
      this.retryAt = Date.now() + RETRY_MS;
      await this.wakeAt(this.retryAt);
    }
    this.ended.resolve(outcome);
    this.ended = Promise.withResolvers<Outcome>();
    return outcome;
  }
}
