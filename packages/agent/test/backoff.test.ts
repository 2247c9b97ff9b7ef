import assert from "node:assert/strict";
import { pushBackoff, retryAfterMs } from "../src/backoff";

describe("agent backoff", () => {
  it("pushes retry from 1 s, doubling up to two sampling intervals, at most 1 min", () => {
    assert.deepEqual(pushBackoff(30), { initialDelayMs: 1_000, maxDelayMs: 60_000 });
    assert.deepEqual(pushBackoff(15), { initialDelayMs: 1_000, maxDelayMs: 30_000 });
    assert.deepEqual(pushBackoff(3_600), { initialDelayMs: 1_000, maxDelayMs: 60_000 });
    assert.deepEqual(pushBackoff(5), { initialDelayMs: 1_000, maxDelayMs: 10_000 });
    assert.deepEqual(pushBackoff(1), { initialDelayMs: 1_000, maxDelayMs: 2_000 });
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2024-12-06T14:30:00Z");
    assert.equal(retryAfterMs(undefined, now), undefined);
    assert.equal(retryAfterMs("30", now), 30_000);
    assert.equal(retryAfterMs(" 0 ", now), 0);
    assert.equal(retryAfterMs("Fri, 06 Dec 2024 14:30:10 GMT", now), 10_000);
    assert.equal(retryAfterMs("Fri, 06 Dec 2024 14:29:00 GMT", now), 0);
    assert.equal(retryAfterMs("soon", now), undefined);
  });
});
