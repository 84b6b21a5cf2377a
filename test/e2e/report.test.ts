import { describe, expect, it } from "vitest";
import { formatPush, formatReady } from "../../scripts/cli";
import type { PushReport } from "../../scripts/sync";

const report = (scheduled: PushReport["scheduled"]): PushReport => ({
  dryRun: false,
  created: ["a", "b"],
  updated: [],
  unchanged: ["c"],
  failed: [],
  warnings: [],
  serverOnly: [],
  scheduled,
});

describe("what push and npm start say", () => {
  it("names a scheduled article and when it goes live, in the publisher's own offset", () => {
    const text = formatPush(report([{ id: "b", goesLiveAt: "2026-12-24T06:00:00+01:00" }]));
    expect(text.split("\n")).toEqual([
      "2 created, 0 updated, 1 unchanged, 0 failed",
      "1 scheduled, goes live 2026-12-24T06:00:00+01:00 (b); in no feed until then",
    ]);
  });

  it("lists several, soonest first as push sorts them, and says nothing when there are none", () => {
    const text = formatPush(
      report([
        { id: "a", goesLiveAt: "2026-12-24T06:00:00+01:00" },
        { id: "b", goesLiveAt: "2026-12-25T06:00:00+01:00" },
      ]),
    );
    expect(text).toContain("2 scheduled, in no feed until their time:\n  a goes live 2026-12-24T06:00:00+01:00\n  b goes live");
    expect(formatPush(report([]))).not.toContain("scheduled");
  });

  it("says in a dry run what would be scheduled", () => {
    const text = formatPush({ ...report([{ id: "b", goesLiveAt: "2076-01-01T00:00:00Z" }]), dryRun: true, created: ["b"], unchanged: [] });
    expect(text).toContain("1 would be scheduled, goes live 2076-01-01T00:00:00Z (b); in no feed until then");
  });

  it("npm start's ready block: what was loaded and what is scheduled, then where to look and where the token is", () => {
    const media = { dryRun: false, created: [], replaced: ["a.svg"], unchanged: ["b.svg"], failed: [] };
    const text = formatReady(
      "http://localhost:8787",
      { ...report([{ id: "b", goesLiveAt: "2076-01-01T00:00:00Z" }]), serverOnly: ["x"] },
      media,
    );
    expect(text.split("\n").slice(0, 4)).toEqual([
      "feedwire is ready: 3 article(s) from content/ (2 new, 0 updated, 1 unchanged), 2 image(s), 1 published through the API earlier, kept.",
      "  1 scheduled, goes live 2076-01-01T00:00:00Z (b); in no feed until then",
      "  home       http://localhost:8787/",
      "  RSS        http://localhost:8787/feed.xml",
    ]);
    expect(text).toContain("  token      PUBLISH_TOKEN in .dev.vars");
  });
});
