import type { Agent, AgentKind } from "./agents";

export const DAY_MS = 86_400_000;

/** UTC days since the epoch: a day rolls over at UTC midnight. */
export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
/** `2026-12-03` */
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Polls of one feed by one agent in one day. */
export interface Usage {
  day: number;
  feed: string;
  agent: string;
  kind: AgentKind;
  polls: number;
  /** Polls that sent If-None-Match or If-Modified-Since. */
  conditional: number;
  bytes: number;
  /** One User-Agent of it, to show whom to ask to behave. */
  sample: string;
}

/** An aggregator's own figure for one feed, at `at` (ms): for a day, the latest wins. */
export interface Report {
  day: number;
  feed: string;
  agent: string;
  feedId: string;
  subscribers: number;
  at: number;
}

/** One poll, as the accounting needs it. */
export interface Poll {
  now: number;
  feed: string;
  ip: string;
  ua: string;
  agent: Agent;
  conditional: boolean;
  bytes: number;
}

/** A distinct client (IP and User-Agent) of one feed on one day; the pair never leaves the isolate (see flush.ts). */
export interface Client {
  day: number;
  feed: string;
  ip: string;
  ua: string;
  agent: string;
  kind: AgentKind;
}

/** Distinct clients one flush carries at most (about 30 MB of an isolate's 128): past it, polls still count, new clients wait. */
const CLIENTS_MAX = 100_000;
/** Rows (per feed and agent, or aggregator and feed id) one flush carries at most: User-Agents are the client's to invent. */
export const ROWS_MAX = 10_000;
/** Where the polls of agents past ROWS_MAX go. */
const UNLISTED: Agent = { name: "unlisted agents", kind: "other" };

/**
 * What one isolate counted since its last flush, in memory. A poll costs three map
 * operations on keys it already has: no parsing, hashing or I/O.
 */
export class Tally {
  readonly usage = new Map<string, Usage>();
  readonly reports = new Map<string, Report>();
  readonly clients = new Map<string, Client>();

  get empty() {
    return this.usage.size === 0;
  }

  count({ now, feed, ip, ua, agent, conditional, bytes }: Poll) {
    const day = dayOf(now);
    const key = `${day} ${feed}`;
    let usageKey = `${key} ${agent.name}`;
    let usage = this.usage.get(usageKey);
    if (!usage) {
      if (this.usage.size >= ROWS_MAX) {
        agent = UNLISTED;
        usageKey = `${key} ${agent.name}`;
      }
      usage = this.usage.get(usageKey) ?? {
        day,
        feed,
        agent: agent.name,
        kind: agent.kind,
        polls: 0,
        conditional: 0,
        bytes: 0,
        sample: ua.slice(0, 256),
      };
      this.usage.set(usageKey, usage);
    }
    usage.polls++;
    if (conditional) usage.conditional++;
    usage.bytes += bytes;
    if (agent.subscribers !== undefined) {
      const feedId = agent.feedId ?? "";
      const reportKey = `${usageKey} ${feedId}`;
      if (this.reports.size < ROWS_MAX || this.reports.has(reportKey))
        this.reports.set(reportKey, { day, feed, agent: agent.name, feedId, subscribers: agent.subscribers, at: now });
    }
    const clientKey = `${key} ${ip} ${ua}`;
    if (this.clients.size < CLIENTS_MAX && !this.clients.has(clientKey))
      this.clients.set(clientKey, { day, feed, ip, ua, agent: agent.name, kind: agent.kind });
  }
}
