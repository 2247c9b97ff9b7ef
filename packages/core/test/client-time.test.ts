import assert from "node:assert/strict";
import {
  CLIENT_TIME_MAX_FUTURE_MS,
  CLIENT_TIME_MAX_PAST_MS,
  clampClientTime,
  DAY_MS,
  MINUTE_MS,
} from "../src";

describe("clampClientTime", () => {
  const server = Date.parse("2026-12-02T12:00:00Z");

  it("allows 5 minutes of future skew and 7 days of past", () => {
    assert.equal(CLIENT_TIME_MAX_FUTURE_MS, 5 * MINUTE_MS);
    assert.equal(CLIENT_TIME_MAX_PAST_MS, 7 * DAY_MS);
  });

  it("keeps a time inside the window unchanged", () => {
    assert.deepEqual(clampClientTime(server - 1_234, server), { ms: server - 1_234, clampedByMs: 0 });
  });

  it("keeps a time exactly at the future bound and clamps one millisecond past it", () => {
    const bound = server + CLIENT_TIME_MAX_FUTURE_MS;
    assert.deepEqual(clampClientTime(bound, server), { ms: bound, clampedByMs: 0 });
    assert.deepEqual(clampClientTime(bound + 1, server), { ms: bound, clampedByMs: 1 });
  });

  it("keeps a time exactly at the past bound and clamps one millisecond before it", () => {
    const bound = server - CLIENT_TIME_MAX_PAST_MS;
    assert.deepEqual(clampClientTime(bound, server), { ms: bound, clampedByMs: 0 });
    assert.deepEqual(clampClientTime(bound - 1, server), { ms: bound, clampedByMs: -1 });
  });

  it("reports how far a far-off clock was moved", () => {
    const year = 365 * DAY_MS;
    assert.deepEqual(clampClientTime(server + year, server), {
      ms: server + CLIENT_TIME_MAX_FUTURE_MS,
      clampedByMs: year - CLIENT_TIME_MAX_FUTURE_MS,
    });
  });
});
