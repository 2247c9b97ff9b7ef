import assert from "node:assert/strict";
import { LIMITS } from "../src";

describe("limits", () => {
  it("has the agreed values", () => {
    assert.equal(LIMITS.NAME_MAX_LENGTH, 100);
    assert.equal(LIMITS.MAX_ATTRIBUTES, 32);
    assert.equal(LIMITS.ATTRIBUTE_KEY_MAX_LENGTH, 40);
    assert.equal(LIMITS.ATTRIBUTE_VALUE_MAX_LENGTH, 100);
    assert.equal(LIMITS.MAX_METRICS, 32);
    assert.equal(LIMITS.MAX_TRACES_PER_BATCH, 500);
    assert.equal(LIMITS.MAX_DURATION_SECONDS, 86_400);
    assert.equal(LIMITS.ID_MAX_LENGTH, 128);
  });

  it("bounds start_time to 2000-01-01T00:00:00Z .. 2100-01-01T00:00:00Z", () => {
    assert.equal(LIMITS.START_TIME_MIN_MS, Date.parse("2000-01-01T00:00:00Z"));
    assert.equal(LIMITS.START_TIME_MAX_MS, Date.parse("2100-01-01T00:00:00Z"));
  });

  it("is frozen", () => {
    assert.ok(Object.isFrozen(LIMITS));
  });
});
