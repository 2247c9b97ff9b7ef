import assert from "node:assert/strict";
import { backoffDelay } from "@aideon-perf/core";
import { RELAY_BACKOFF } from "../../dev/stack/relay/functions-emulator";

describe("relay: backoff", () => {
  // Retry 1 is the first, as the relay counts them.
  const relayDelay = (retry: number, policy: Partial<typeof RELAY_BACKOFF>, random: () => number) =>
    backoffDelay(retry - 1, { ...RELAY_BACKOFF, ...policy }, random);

  it("doubles from the base up to the cap, jittered within the upper half", () => {
    const low = (retry: number) => relayDelay(retry, { initialDelayMs: 100, maxDelayMs: 1_000 }, () => 0);
    const high = (retry: number) => relayDelay(retry, { initialDelayMs: 100, maxDelayMs: 1_000 }, () => 1);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(high), [100, 200, 400, 800, 1_000, 1_000]);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(low), [50, 100, 200, 400, 500, 500]);
  });

  it("defaults to 250 ms doubling to 5 s", () => {
    assert.equal(
      relayDelay(1, {}, () => 1),
      250,
    );
    assert.equal(
      relayDelay(20, {}, () => 1),
      5_000,
    );
  });
});
