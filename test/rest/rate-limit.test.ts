/** The recording rate limit: lease planning (pure) and the limiter over an in-memory lease store. */
import assert from "node:assert/strict";
import { ApiError } from "../../functions/src/http/errors";
import {
  leaseGrant,
  rateLimitDocId,
  rateLimiter,
  retryAfterSeconds,
  windowIndex,
  type LeaseStore,
} from "../../functions/src/rest/rate-limit";

/** Leases held in memory, atomically (one at a time), counting the transactions a Firestore store would run. */
function memoryStore() {
  const used = new Map<string, number>();
  let transactions = 0;
  let writes = 0;
  const store: LeaseStore = {
    async lease(uid, window, grantFor) {
      transactions += 1;
      await new Promise((resolve) => setImmediate(resolve));
      const key = `${uid}/${window}`;
      const grant = grantFor(used.get(key) ?? 0);
      if (grant > 0) {
        used.set(key, (used.get(key) ?? 0) + grant);
        writes += 1;
      }
      return grant;
    },
  };
  return { store, used, stats: () => ({ transactions, writes }) };
}

async function outcome(p: Promise<void>): Promise<"ok" | number> {
  try {
    await p;
    return "ok";
  } catch (e) {
    assert.ok(e instanceof ApiError && e.status === 429, String(e));
    return Number(e.headers["Retry-After"]);
  }
}

describe("rest: rate limit", () => {
  it("plans leases: at most the lease size, at most a quarter of what remains (at least 1), never beyond the limit", () => {
    assert.equal(leaseGrant(0, 120, 10), 10);
    assert.equal(leaseGrant(100, 120, 10), 5);
    assert.equal(leaseGrant(117, 120, 10), 1);
    assert.equal(leaseGrant(119, 120, 10), 1);
    assert.equal(leaseGrant(120, 120, 10), 0);
    assert.equal(leaseGrant(200, 120, 10), 0);
    assert.equal(leaseGrant(0, 3, 10), 1);
    assert.equal(leaseGrant(0, 1000, 1), 1);
    for (let limit = 1; limit < 60; limit++) {
      let used = 0;
      let steps = 0;
      while (leaseGrant(used, limit, 10) > 0) {
        used += leaseGrant(used, limit, 10);
        steps += 1;
      }
      assert.equal(used, limit, `leases add up to exactly the limit ${limit}`);
      assert.ok(steps <= limit);
    }
  });

  it("windows and Retry-After", () => {
    assert.equal(windowIndex(119_999, 60_000), 1);
    assert.equal(windowIndex(120_000, 60_000), 2);
    assert.equal(retryAfterSeconds(120_000, 60_000), 60);
    assert.equal(retryAfterSeconds(179_500, 60_000), 1);
    assert.equal(retryAfterSeconds(179_999, 60_000), 1, "never 0");
  });

  it("keys counter documents by a hash of the uid and the window, valid as document ids", () => {
    const id = rateLimitDocId("some/uid with spaces", 29_000_000);
    assert.match(id, /^[0-9a-f]{32}-29000000$/);
    assert.notEqual(rateLimitDocId("a", 1), rateLimitDocId("b", 1));
    assert.notEqual(rateLimitDocId("a", 1), rateLimitDocId("a", 2));
  });

  it("allows the limit per user per window, then 429 with Retry-After, and again in the next window", async () => {
    let now = 1_000_000_000;
    const { store, stats } = memoryStore();
    const limiter = rateLimiter({ limit: 25, windowMs: 60_000, leaseSize: 10 }, store, () => now);
    const results = [];
    for (let i = 0; i < 30; i++) results.push(await outcome(limiter.take("alice")));
    assert.equal(results.filter((r) => r === "ok").length, 25);
    assert.deepEqual(results.slice(25), [20, 20, 20, 20, 20], "refused until the window ends in 20 s");
    assert.equal(await outcome(limiter.take("bob")), "ok", "users are counted apart");
    const refusedTransactions = stats().transactions;
    await outcome(limiter.take("alice"));
    assert.equal(
      stats().transactions,
      refusedTransactions,
      "a spent window costs nothing more on this instance",
    );
    now += 20_000;
    assert.equal(await outcome(limiter.take("alice")), "ok");
  });

  it("costs one transaction per lease, not per request", async () => {
    const { store, stats } = memoryStore();
    const limiter = rateLimiter({ limit: 10_000, windowMs: 60_000, leaseSize: 10 }, store, () => 0);
    for (let i = 0; i < 1000; i++) await limiter.take("alice");
    assert.deepEqual(stats(), { transactions: 100, writes: 100 });
  });

  it("never allows more than the limit across instances, even under concurrency, and uses all of it", async () => {
    const { store, used } = memoryStore();
    const instances = Array.from({ length: 4 }, () =>
      rateLimiter({ limit: 50, windowMs: 60_000, leaseSize: 10 }, store, () => 0),
    );
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => outcome(instances[i % 4]!.take("alice"))),
    );
    assert.equal(results.filter((r) => r === "ok").length, 50);
    assert.equal(used.get("alice/0"), 50);
  });

  it("with a limit of 0 never counts", async () => {
    const { store, stats } = memoryStore();
    const limiter = rateLimiter({ limit: 0, windowMs: 60_000, leaseSize: 10 }, store, () => 0);
    for (let i = 0; i < 100; i++) await limiter.take("alice");
    assert.deepEqual(stats(), { transactions: 0, writes: 0 });
  });

  it("passes a store failure on and recovers on the next request", async () => {
    let fail = true;
    const { store } = memoryStore();
    const flaky: LeaseStore = {
      lease: (...args) => (fail ? Promise.reject(new Error("unavailable")) : store.lease(...args)),
    };
    const limiter = rateLimiter({ limit: 5, windowMs: 60_000, leaseSize: 10 }, flaky, () => 0);
    await assert.rejects(limiter.take("alice"), /unavailable/);
    fail = false;
    await limiter.take("alice");
  });
});
