import { describe, expect, it } from "vitest";
import { inOffsetOf, rfc822 } from "../src/dates";

describe("rfc822", () => {
  it("keeps the publisher's wall clock and offset", () => {
    expect(rfc822("2017-07-20T20:12:00-04:00")).toBe("Thu, 20 Jul 2017 20:12:00 -0400");
  });

  it("takes the weekday of the publisher's date, not of UTC's", () => {
    // 23:30 on Thursday in New York is already Friday in UTC.
    expect(rfc822("2017-07-20T23:30:00-04:00")).toBe("Thu, 20 Jul 2017 23:30:00 -0400");
  });

  it("writes Z as +0000 and drops fractions of a second", () => {
    expect(rfc822("2026-02-28T10:05:09.123Z")).toBe("Sat, 28 Feb 2026 10:05:09 +0000");
  });

  it("handles positive and half-hour offsets", () => {
    expect(rfc822("2026-01-01T00:00:00+05:30")).toBe("Thu, 01 Jan 2026 00:00:00 +0530");
  });
});

describe("inOffsetOf", () => {
  const instant = Date.parse("2026-03-01T12:34:56.789Z");

  it("writes an instant in another date's offset, to the second", () => {
    expect(inOffsetOf(instant, "2017-07-20T20:12:00-04:00")).toBe("2026-03-01T08:34:56-04:00");
    expect(inOffsetOf(instant, "2026-01-01T00:00:00+05:30")).toBe("2026-03-01T18:04:56+05:30");
  });

  it("keeps Z for a UTC reference, and the instant is unchanged", () => {
    expect(inOffsetOf(instant, "2026-01-01T00:00:00Z")).toBe("2026-03-01T12:34:56Z");
    expect(Date.parse(inOffsetOf(instant, "2017-07-20T20:12:00-04:00"))).toBe(Math.floor(instant / 1000) * 1000);
  });
});
