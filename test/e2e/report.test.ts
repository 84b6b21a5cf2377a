import { describe, expect, it } from "vitest";
import { formatPush } from "../../scripts/cli";
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
});
