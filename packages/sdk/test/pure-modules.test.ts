import assert from "node:assert/strict";
import { EpochAnchor } from "../src/clock";
import { isRetryable } from "../src/send-with-retry";
import { formatTraceparent, parseTraceparent } from "../src/traceparent";
import { newBatchId, newSpanId, newTraceId } from "../src/random-ids";
import { documentIdSchema } from "@aideon-perf/core";

describe("sdk: retry", () => {
  it("retries anything but the callable errors a retry cannot fix", () => {
    for (const code of [
      "unavailable",
      "internal",
      "deadline-exceeded",
      "resource-exhausted",
      "unauthenticated",
      "unknown",
      "aborted",
    ]) {
      assert.equal(isRetryable({ code: `functions/${code}` }), true, code);
    }
    for (const code of [
      "invalid-argument",
      "permission-denied",
      "not-found",
      "failed-precondition",
      "out-of-range",
      "unimplemented",
    ]) {
      assert.equal(isRetryable({ code: `functions/${code}` }), false, code);
    }
    assert.equal(isRetryable(new TypeError("fetch failed")), true);
    assert.equal(isRetryable(null), true);
  });
});

describe("sdk: W3C traceparent", () => {
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const spanId = "00f067aa0ba902b7";

  it("formats version 00, sampled, and parses it back", () => {
    assert.equal(formatTraceparent(traceId, spanId), `00-${traceId}-${spanId}-01`);
    assert.deepEqual(parseTraceparent(formatTraceparent(traceId, spanId)), { traceId, parentSpanId: spanId });
  });

  it("accepts a later version with extra fields, and surrounding whitespace", () => {
    assert.deepEqual(parseTraceparent(` 01-${traceId}-${spanId}-00-extra `), {
      traceId,
      parentSpanId: spanId,
    });
  });

  for (const [label, header] of [
    ["missing", undefined],
    ["repeated", [`00-${traceId}-${spanId}-01`, `00-${traceId}-${spanId}-01`]],
    ["upper-case hex", `00-${traceId.toUpperCase()}-${spanId}-01`],
    ["version ff", `ff-${traceId}-${spanId}-01`],
    ["version 00 with an extra field", `00-${traceId}-${spanId}-01-x`],
    ["all-zero trace id", `00-${"0".repeat(32)}-${spanId}-01`],
    ["all-zero parent id", `00-${traceId}-${"0".repeat(16)}-01`],
    ["short trace id", `00-${traceId.slice(1)}-${spanId}-01`],
    ["garbage", "hello"],
  ] as const) {
    it(`rejects a header that is ${label}`, () =>
      assert.equal(parseTraceparent(header as string | string[] | undefined), undefined));
  }

  it("makes ids of the right length that are valid document ids and distinct", () => {
    assert.match(newTraceId(), /^[0-9a-f]{32}$/);
    assert.match(newSpanId(), /^[0-9a-f]{16}$/);
    const id = newBatchId();
    assert.equal(documentIdSchema.safeParse(id).success, true);
    assert.notEqual(newBatchId(), id);
  });
});

describe("sdk: wall-clock start times from the monotonic clock", () => {
  it("adds the clocks' offset, read again once a second, so a wall-clock step shows within a second", () => {
    let monotonic = 5_000;
    let wall = 1_733_495_422_000;
    let wallReads = 0;
    const anchor = new EpochAnchor({ now: () => monotonic, epochMs: () => (wallReads++, wall) });
    assert.equal(anchor.toEpochMs(monotonic), wall);
    monotonic += 400;
    wall += 400;
    assert.equal(anchor.toEpochMs(monotonic), wall);
    assert.equal(wallReads, 1, "no wall-clock read per trace");
    wall += 60_000; // the wall clock is stepped (NTP)
    monotonic += 500;
    wall += 500;
    assert.equal(anchor.toEpochMs(monotonic), wall - 60_000, "within the second: the old offset");
    monotonic += 600;
    wall += 600;
    assert.equal(anchor.toEpochMs(monotonic), wall);
    assert.equal(wallReads, 2);
  });
});
