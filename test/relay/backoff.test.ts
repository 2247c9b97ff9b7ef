import assert from "node:assert/strict";
import { backoffDelay } from "../../dev/stack/relay/backoff";

describe("relay: backoff", () => {
  it("doubles from the base up to the cap, jittered within the upper half", () => {
    const low = (retry: number) => backoffDelay(retry, { baseMs: 100, maxMs: 1_000 }, () => 0);
    const high = (retry: number) => backoffDelay(retry, { baseMs: 100, maxMs: 1_000 }, () => 1);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(high), [100, 200, 400, 800, 1_000, 1_000]);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(low), [50, 100, 200, 400, 500, 500]);
  });

  it("defaults to 250 ms doubling to 5 s", () => {
    assert.equal(
      backoffDelay(1, {}, () => 1),
      250,
    );
    assert.equal(
      backoffDelay(20, {}, () => 1),
      5_000,
    );
  });
});
