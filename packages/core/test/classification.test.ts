import assert from "node:assert/strict";
import { PERFORMANCE_THRESHOLDS, TRACE_TYPES, classifyDuration, isSlow } from "../src";

/** A few ulps from x: as close to a threshold as a measured duration gets. */
function justBelow(x: number): number {
  return x * (1 - Number.EPSILON);
}

function justAbove(x: number): number {
  return x * (1 + Number.EPSILON);
}

describe("classification", () => {
  for (const type of TRACE_TYPES) {
    const t = PERFORMANCE_THRESHOLDS[type];

    it(`classifies ${type} at its boundaries (good < ${t.good} <= acceptable < ${t.acceptable} <= poor <= ${t.poor} < slow)`, () => {
      assert.equal(classifyDuration(0, t), "good");
      assert.equal(classifyDuration(justBelow(t.good), t), "good");
      assert.equal(classifyDuration(t.good, t), "acceptable");
      assert.equal(classifyDuration(justBelow(t.acceptable), t), "acceptable");
      assert.equal(classifyDuration(t.acceptable, t), "poor");
      assert.equal(classifyDuration(t.poor, t), "poor");
      assert.equal(classifyDuration(justAbove(t.poor), t), "slow");
      assert.equal(classifyDuration(86_400, t), "slow");
    });
  }

  it("flags the contract's example as slow: 8.5 s against the HTTP poor threshold of 5.0 s", () => {
    assert.equal(isSlow(8.5, PERFORMANCE_THRESHOLDS.HTTP_REQUEST), true);
    assert.equal(isSlow(5.0, PERFORMANCE_THRESHOLDS.HTTP_REQUEST), false);
  });

  it("throws a RangeError naming a negative, NaN or infinite duration", () => {
    for (const seconds of [-1, NaN, Infinity]) {
      assert.throws(
        () => classifyDuration(seconds, PERFORMANCE_THRESHOLDS.HTTP_REQUEST),
        (e: unknown) => e instanceof RangeError && e.message.includes(String(seconds)),
      );
    }
  });
});
