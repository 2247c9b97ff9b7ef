import assert from "node:assert/strict";
import { PERFORMANCE_THRESHOLDS, TRACE_TYPES, ValidationError, parseRequest, thresholdSchema } from "../src";

describe("thresholds", () => {
  it("keeps the contract's values", () => {
    assert.deepEqual(PERFORMANCE_THRESHOLDS.HTTP_REQUEST, { good: 1, acceptable: 3, poor: 5 });
    assert.deepEqual(PERFORMANCE_THRESHOLDS.DATABASE_QUERY, { good: 0.1, acceptable: 0.5, poor: 1 });
    assert.deepEqual(PERFORMANCE_THRESHOLDS.AI_GENERATION, { good: 5, acceptable: 15, poor: 30 });
  });

  it("has a valid threshold for every trace type", () => {
    assert.deepEqual(Object.keys(PERFORMANCE_THRESHOLDS).sort(), [...TRACE_TYPES].sort());
    for (const type of TRACE_TYPES) {
      assert.deepEqual(
        thresholdSchema.parse(PERFORMANCE_THRESHOLDS[type]),
        PERFORMANCE_THRESHOLDS[type],
        type,
      );
    }
  });

  it("is frozen all the way down", () => {
    assert.ok(Object.isFrozen(PERFORMANCE_THRESHOLDS));
    assert.ok(Object.isFrozen(PERFORMANCE_THRESHOLDS.HTTP_REQUEST));
  });

  describe("thresholdSchema", () => {
    const rejects = (data: unknown, field: string) =>
      assert.throws(
        () => parseRequest(thresholdSchema, data),
        (e: unknown) => e instanceof ValidationError && e.field === field,
      );

    it("accepts strictly increasing bands up to 24 h", () => {
      assert.deepEqual(thresholdSchema.parse({ good: 0.001, acceptable: 1, poor: 86_400 }), {
        good: 0.001,
        acceptable: 1,
        poor: 86_400,
      });
    });

    it("rejects bands that are not strictly increasing", () => {
      rejects({ good: 3, acceptable: 3, poor: 5 }, "acceptable");
      rejects({ good: 1, acceptable: 5, poor: 5 }, "poor");
    });

    it("rejects zero, negative, non-finite and over-24 h values", () => {
      rejects({ good: 0, acceptable: 1, poor: 2 }, "good");
      rejects({ good: -1, acceptable: 1, poor: 2 }, "good");
      rejects({ good: 1, acceptable: Infinity, poor: 2 }, "acceptable");
      rejects({ good: 1, acceptable: 2, poor: NaN }, "poor");
      rejects({ good: 1, acceptable: 2, poor: 86_400.001 }, "poor");
    });

    it("rejects missing and unknown keys", () => {
      rejects({ good: 1, acceptable: 2 }, "poor");
      rejects({ good: 1, acceptable: 2, poor: 3, critical: 4 }, "critical");
    });
  });
});
