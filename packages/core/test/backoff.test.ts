import assert from "node:assert/strict";
import { backoffDelay, sleep } from "../src/backoff";

const policy = { initialDelayMs: 1_000, maxDelayMs: 60_000 };
const ALMOST_ONE = 1 - Number.EPSILON;

describe("backoff", () => {
  it("has full jitter: 0 at the bottom of the range, just under the ceiling at the top", () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const ceiling = Math.min(60_000, 1_000 * 2 ** attempt);
      assert.equal(
        backoffDelay(attempt, policy, () => 0),
        0,
      );
      assert.equal(
        backoffDelay(attempt, policy, () => ALMOST_ONE),
        ceiling - 1,
      );
    }
  });

  it("with minFraction waits at least that share of the ceiling, never the ceiling itself", () => {
    const upperHalf = { ...policy, minFraction: 0.5 };
    for (let attempt = 0; attempt < 10; attempt++) {
      const ceiling = Math.min(60_000, 1_000 * 2 ** attempt);
      assert.equal(
        backoffDelay(attempt, upperHalf, () => 0),
        ceiling / 2,
      );
      assert.equal(
        backoffDelay(attempt, upperHalf, () => ALMOST_ONE),
        ceiling - 1,
      );
    }
  });

  it("doubles the ceiling per attempt and caps it at maxDelayMs", () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 100, 10_000].map(
      (attempt) => backoffDelay(attempt, policy, () => ALMOST_ONE) + 1,
    );
    assert.deepEqual(ceilings, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
    const small = { initialDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, small, () => 0.9999)),
      [99, 199, 399, 799, 999, 999],
    );
    assert.equal(
      backoffDelay(2, small, () => 0.5),
      200,
    );
  });

  it("stays within [0, ceiling) with Math.random", () => {
    for (let i = 0; i < 1_000; i++) {
      const attempt = i % 8;
      const delay = backoffDelay(attempt, policy);
      assert.ok(
        Number.isInteger(delay) && delay >= 0 && delay < Math.min(60_000, 1_000 * 2 ** attempt),
        `${delay}`,
      );
    }
  });

  it("spreads delays: retries of one attempt do not land together", () => {
    const delays = new Set(Array.from({ length: 100 }, () => backoffDelay(5, policy)));
    assert.ok(delays.size > 50, `${delays.size} distinct delays of 100`);
  });

  it("sleeps, and an abort cuts the sleep short (also one already aborted)", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await sleep(10_000, controller.signal);
    assert.ok(Date.now() - started < 1_000);
    await sleep(10_000, controller.signal);
  });
});
