import assert from "node:assert/strict";
import {
  SKETCH_RELATIVE_ACCURACY,
  aggregateAdd,
  aggregateMerge,
  emptyAggregate,
  summarize,
  type DurationAggregate,
} from "../src";
import { exactQuantile, logNormalSamples, mulberry32, relativeError, sortedCopy } from "./fixtures/random";

function aggregateOf(values: Iterable<number>): DurationAggregate {
  const agg = emptyAggregate();
  for (const value of values) aggregateAdd(agg, value);
  return agg;
}

/** Multiples of 1/1024 s sum exactly in floating point, so sums compare with deepEqual. */
function dyadicDurations(n: number, seed: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => Math.floor(random() * 10_240) / 1024);
}

describe("aggregate", () => {
  it("summarizes an empty aggregate as count 0 and nulls", () => {
    assert.deepEqual(summarize(emptyAggregate()), {
      count: 0,
      average_duration: null,
      min_duration: null,
      max_duration: null,
      p50_duration: null,
      p95_duration: null,
      p99_duration: null,
    });
  });

  it("keeps count, sum and the exact min and max", () => {
    const agg = aggregateOf([0.3, 0.1, 8.5, 1.2]);
    assert.equal(agg.count, 4);
    assert.equal(agg.sum, 0.3 + 0.1 + 8.5 + 1.2);
    assert.equal(agg.min, 0.1);
    assert.equal(agg.max, 8.5);
  });

  it("summarizes in the contract's shape, in seconds, with lower percentiles", () => {
    const summary = summarize(aggregateOf([0.1, 0.2, 0.3, 0.4]));
    assert.deepEqual(Object.keys(summary), [
      "count",
      "average_duration",
      "min_duration",
      "max_duration",
      "p50_duration",
      "p95_duration",
      "p99_duration",
    ]);
    assert.equal(summary.count, 4);
    assert.ok(Math.abs(summary.average_duration! - 0.25) < 1e-12);
    assert.equal(summary.min_duration, 0.1);
    assert.equal(summary.max_duration, 0.4);
    // Lower quantiles: p50 is rank floor(0.5 * 3) = 1, p95 and p99 are rank 2.
    assert.ok(relativeError(summary.p50_duration!, 0.2) <= SKETCH_RELATIVE_ACCURACY);
    assert.ok(relativeError(summary.p95_duration!, 0.3) <= SKETCH_RELATIVE_ACCURACY);
    assert.ok(relativeError(summary.p99_duration!, 0.3) <= SKETCH_RELATIVE_ACCURACY);
  });

  it("reports a single duration exactly at every percentile", () => {
    const summary = summarize(aggregateOf([0.123]));
    assert.equal(summary.p50_duration, 0.123);
    assert.equal(summary.p95_duration, 0.123);
    assert.equal(summary.p99_duration, 0.123);
  });

  it("keeps p50, p95 and p99 within 1% of exact", () => {
    const values = logNormalSamples(50_000, Math.log(0.2), 1, 8);
    const sorted = sortedCopy(values);
    const summary = summarize(aggregateOf(values));
    for (const [q, estimate] of [
      [0.5, summary.p50_duration],
      [0.95, summary.p95_duration],
      [0.99, summary.p99_duration],
    ] as const) {
      assert.ok(
        relativeError(estimate!, exactQuantile(sorted, q)) <= SKETCH_RELATIVE_ACCURACY * (1 + 1e-9),
        `q=${q}`,
      );
    }
  });

  it("throws a RangeError for an invalid duration and leaves the aggregate unchanged", () => {
    const agg = aggregateOf([1]);
    for (const seconds of [-1, NaN, Infinity]) assert.throws(() => aggregateAdd(agg, seconds), RangeError);
    assert.deepEqual(agg, aggregateOf([1]));
  });

  describe("aggregateMerge", () => {
    const values = dyadicDurations(3000, 9);
    const shards = [values.slice(0, 1000), values.slice(1000, 2000), values.slice(2000)].map(aggregateOf);
    const [a, b, c] = shards.map((shard) => () => structuredClone(shard)) as [
      () => DurationAggregate,
      () => DurationAggregate,
      () => DurationAggregate,
    ];

    it("equals the aggregate of the union", () => {
      const merged = aggregateMerge(aggregateMerge(a(), b()), c());
      assert.deepEqual(summarize(merged), summarize(aggregateOf(values)));
      assert.equal(merged.min, Math.min(...values));
      assert.equal(merged.max, Math.max(...values));
    });

    it("is order-independent and associative", () => {
      const reference = summarize(aggregateMerge(aggregateMerge(a(), b()), c()));
      assert.deepEqual(summarize(aggregateMerge(aggregateMerge(c(), a()), b())), reference);
      assert.deepEqual(summarize(aggregateMerge(a(), aggregateMerge(b(), c()))), reference);
      assert.deepEqual(summarize(aggregateMerge(aggregateMerge(b(), c()), a())), reference);
    });

    it("treats an empty aggregate as the identity on either side", () => {
      assert.deepEqual(aggregateMerge(a(), emptyAggregate()), a());
      assert.deepEqual(aggregateMerge(emptyAggregate(), a()), a());
    });
  });
});
