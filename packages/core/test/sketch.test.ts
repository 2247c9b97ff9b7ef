import assert from "node:assert/strict";
import {
  SKETCH_MAX_BINS,
  SKETCH_MIN_INDEXABLE_VALUE,
  SKETCH_RELATIVE_ACCURACY,
  binIndex,
  binKey,
  emptySketch,
  sketchAdd,
  sketchBinUpdates,
  sketchCount,
  sketchMerge,
  sketchQuantile,
  type SketchData,
} from "../src";
import {
  bimodalSamples,
  exactQuantile,
  logNormalSamples,
  mulberry32,
  relativeError,
  sortedCopy,
  uniformSamples,
} from "./fixtures/random";

const FIRESTORE_SIMPLE_FIELD = /^[A-Za-z_][A-Za-z_0-9]*$/;
const REPORTED_QUANTILES = [0.5, 0.95, 0.99];
// Floating-point slack on the 1% bound for values that sit exactly on a bucket edge.
const TOLERANCE = SKETCH_RELATIVE_ACCURACY * (1 + 1e-9);

function sketchOf(values: Iterable<number>): SketchData {
  const s = emptySketch();
  for (const value of values) sketchAdd(s, value);
  return s;
}

function assertQuantilesWithinAccuracy(
  s: SketchData,
  values: Float64Array,
  quantiles = REPORTED_QUANTILES,
): void {
  const sorted = sortedCopy(values);
  for (const q of quantiles) {
    const exact = exactQuantile(sorted, q);
    const estimate = sketchQuantile(s, q)!;
    assert.ok(relativeError(estimate, exact) <= TOLERANCE, `q=${q}: estimate ${estimate} vs exact ${exact}`);
  }
}

describe("sketch", () => {
  describe("bin keys", () => {
    it("encodes non-negative indexes as p<n> and negative ones as n<n>", () => {
      assert.equal(binKey(0), "p0");
      assert.equal(binKey(123), "p123");
      assert.equal(binKey(-45), "n45");
      assert.equal(binIndex("p123"), 123);
      assert.equal(binIndex("n45"), -45);
    });

    it("round-trips every index as a simple Firestore field name", () => {
      for (let index = -2000; index <= 2000; index++) {
        const key = binKey(index);
        assert.match(key, FIRESTORE_SIMPLE_FIELD);
        assert.equal(binIndex(key), index);
      }
    });

    it("rejects keys binKey would not produce", () => {
      for (const key of [
        "",
        "p",
        "n0",
        "p01",
        "p-1",
        "p1.5",
        "x1",
        "P1",
        "__proto__",
        "p99999999999999999999",
      ]) {
        assert.throws(() => binIndex(key), RangeError, key);
      }
    });

    it("rejects non-integer indexes", () => {
      for (const index of [1.5, NaN, Infinity]) assert.throws(() => binKey(index), RangeError);
    });
  });

  describe("sketchAdd", () => {
    it("estimates any single value within 1% from 1 ns to 24 h", () => {
      const random = mulberry32(7);
      for (let i = 0; i < 20_000; i++) {
        const value =
          SKETCH_MIN_INDEXABLE_VALUE * Math.exp(random() * Math.log(86_400 / SKETCH_MIN_INDEXABLE_VALUE));
        const estimate = sketchQuantile(sketchAdd(emptySketch(), value), 0.5)!;
        assert.ok(relativeError(estimate, value) <= TOLERANCE, `${value} estimated as ${estimate}`);
      }
    });

    it("counts zero and values below the minimum indexable value in the zero bucket, estimated as 0", () => {
      const s = sketchOf([0, SKETCH_MIN_INDEXABLE_VALUE / 2]);
      assert.deepEqual(s, { zero: 2, bins: {} });
      assert.equal(sketchQuantile(s, 1), 0);
    });

    it("adds a count the same as adding the value that many times", () => {
      assert.deepEqual(sketchAdd(emptySketch(), 0.25, 3), sketchOf([0.25, 0.25, 0.25]));
      assert.deepEqual(sketchAdd(emptySketch(), 0, 2), sketchOf([0, 0]));
    });

    it("throws a RangeError naming a negative, NaN or infinite value, leaving the sketch unchanged", () => {
      const s = sketchOf([1]);
      for (const value of [-1, -0.001, NaN, Infinity, -Infinity]) {
        assert.throws(
          () => sketchAdd(s, value),
          (e: unknown) => e instanceof RangeError && e.message.includes(String(value)),
        );
      }
      assert.deepEqual(s, sketchOf([1]));
    });

    it("throws a RangeError for a count that is not a positive integer", () => {
      for (const count of [0, -1, 1.5, NaN])
        assert.throws(() => sketchAdd(emptySketch(), 1, count), RangeError);
    });
  });

  describe("sketchQuantile", () => {
    it("returns null for an empty sketch", () => {
      assert.equal(sketchQuantile(emptySketch(), 0.5), null);
    });

    it("throws a RangeError for q outside [0, 1]", () => {
      for (const q of [-0.01, 1.01, NaN]) assert.throws(() => sketchQuantile(sketchOf([1]), q), RangeError);
    });

    it("takes the lower value at rank floor(q * (n - 1)): p50 of 1, 2, 3, 4 is 2", () => {
      const s = sketchOf([4, 3, 2, 1]);
      const near = (q: number, exact: number) =>
        assert.ok(relativeError(sketchQuantile(s, q)!, exact) <= TOLERANCE, `q=${q}`);
      near(0, 1);
      near(0.33, 1);
      near(0.34, 2);
      near(0.5, 2);
      near(0.66, 2);
      near(0.67, 3);
      near(1, 4);
    });

    it("never leaves the exact [min, max] when given them to clamp", () => {
      const random = mulberry32(11);
      for (let trial = 0; trial < 500; trial++) {
        const values = Array.from({ length: 1 + Math.floor(random() * 5) }, () => random() * 10);
        const clamp = { min: Math.min(...values), max: Math.max(...values) };
        const s = sketchOf(values);
        for (const q of [0, 0.5, 0.95, 0.99, 1]) {
          const estimate = sketchQuantile(s, q, clamp)!;
          assert.ok(estimate >= clamp.min && estimate <= clamp.max, `q=${q} of ${values}: ${estimate}`);
        }
      }
    });

    it("returns the exact value when all values are equal and clamped", () => {
      const s = sketchOf([0.123, 0.123, 0.123]);
      assert.equal(sketchQuantile(s, 0.99, { min: 0.123, max: 0.123 }), 0.123);
    });

    it("keeps p50, p95 and p99 within 1% on 1,000,000 log-normal samples (median 0.2 s, sigma 1)", function () {
      this.timeout(10_000);
      const values = logNormalSamples(1_000_000, Math.log(0.2), 1, 1);
      const s = sketchOf(values);
      assert.equal(sketchCount(s), 1_000_000);
      assertQuantilesWithinAccuracy(s, values, [0, 0.001, 0.25, ...REPORTED_QUANTILES, 0.999, 1]);
    });

    it("keeps p50, p95 and p99 within 1% on uniform samples over 0..10 s", () => {
      const values = uniformSamples(200_000, 0, 10, 2);
      assertQuantilesWithinAccuracy(sketchOf(values), values);
    });

    it("keeps p50, p95 and p99 within 1% on a bimodal mix of 50 ms and 3 s calls", () => {
      const values = bimodalSamples(200_000, 3);
      // 0.69 and 0.71 sit either side of the jump from the fast mode to the slow one.
      assertQuantilesWithinAccuracy(sketchOf(values), values, [0.69, 0.71, ...REPORTED_QUANTILES]);
    });
  });

  describe("sketchMerge", () => {
    const values = logNormalSamples(100_000, Math.log(0.2), 1, 4);
    const shardCount = 8;
    const shardOf = mulberry32(5);
    const shards = Array.from({ length: shardCount }, () => emptySketch());
    for (const value of values) sketchAdd(shards[Math.floor(shardOf() * shardCount)]!, value);

    it("makes merged shards equal the sketch of the union, bin by bin", () => {
      const merged = shards.reduce((into, shard) => sketchMerge(into, shard), emptySketch());
      assert.deepEqual(merged, sketchOf(values));
    });

    it("gives the same bins whatever the merge order and grouping", () => {
      const forward = shards.reduce((into, shard) => sketchMerge(into, shard), emptySketch());
      const backward = [...shards].reverse().reduce((into, shard) => sketchMerge(into, shard), emptySketch());
      const left = sketchMerge(sketchMerge(structuredClone(shards[0]!), shards[1]!), shards[2]!);
      const right = sketchMerge(
        structuredClone(shards[0]!),
        sketchMerge(structuredClone(shards[1]!), shards[2]!),
      );
      assert.deepEqual(sortedBins(forward), sortedBins(backward));
      assert.deepEqual(sortedBins(left), sortedBins(right));
    });

    it("keeps p50, p95 and p99 of merged shards within 1%", () => {
      const merged = shards.reduce((into, shard) => sketchMerge(into, shard), emptySketch());
      assertQuantilesWithinAccuracy(merged, values);
    });

    it("leaves the merged-in sketch unchanged", () => {
      const before = structuredClone(shards[1]!);
      sketchMerge(structuredClone(shards[0]!), shards[1]!);
      assert.deepEqual(shards[1], before);
    });

    it("rejects a stored sketch with a bad key or count, changing nothing", () => {
      const into = sketchOf([1, 2]);
      const bad: SketchData[] = [
        JSON.parse('{"zero":0,"bins":{"p1":1,"__proto__":5}}') as SketchData,
        { zero: 0, bins: { "p1.x": 1 } },
        { zero: 0, bins: { p1: -1 } },
        { zero: 0.5, bins: {} },
      ];
      for (const other of bad) assert.throws(() => sketchMerge(into, other), RangeError);
      assert.deepEqual(into, sketchOf([1, 2]));
    });
  });

  describe("size", () => {
    it("keeps at most SKETCH_MAX_BINS contiguous bins over the full range 1 us .. 86400 s, under 8 KiB of JSON", () => {
      const s = emptySketch();
      // Steps finer than a bucket, so every bucket in the range is hit: about 1,270 of them uncapped.
      let n = 0;
      for (let value = 1e-6; value <= 86_400; value *= 1.001, n += 1) sketchAdd(s, value);
      sketchAdd(s, 86_400);
      const indexes = Object.keys(s.bins)
        .map(binIndex)
        .sort((a, b) => a - b);
      assert.equal(indexes.length, SKETCH_MAX_BINS);
      assert.equal(indexes.at(-1)! - indexes[0]! + 1, indexes.length, "bins are contiguous");
      assert.equal(sketchCount(s), n + 1, "collapsing keeps every count");
      assert.ok(JSON.stringify(s).length < 8 * 1024, `${JSON.stringify(s).length} bytes`);
    });

    it("collapses the lowest bins on merge too, keeping upper quantiles within 1%", () => {
      const low = sketchOf(Array.from({ length: 600 }, (_, i) => 1e-6 * 1.03 ** i));
      const values = logNormalSamples(20_000, 0, 0.5, 7);
      const s = sketchMerge(low, sketchOf(values));
      assert.ok(Object.keys(s.bins).length <= SKETCH_MAX_BINS);
      assert.equal(sketchCount(s), 20_600);
      const all = Float64Array.from([...Array.from({ length: 600 }, (_, i) => 1e-6 * 1.03 ** i), ...values]);
      assertQuantilesWithinAccuracy(s, all, [0.95, 0.99]);
    });
  });

  describe("sketchBinUpdates", () => {
    it("gives one increment per touched bucket: zero and bins.<key>", () => {
      const updates = sketchBinUpdates([0, 0.1, 0.1]);
      assert.deepEqual(Object.values(updates).sort(), [1, 2]);
      assert.equal(updates.zero, 1);
      assert.equal(updates[`bins.${Object.keys(sketchOf([0.1]).bins)[0]}`], 2);
    });

    it("gives the same counts as adding the values one by one", () => {
      const values = logNormalSamples(1000, Math.log(0.2), 1, 6);
      const s = sketchOf(values);
      const expected: Record<string, number> = {};
      for (const [key, count] of Object.entries(s.bins)) expected[`bins.${key}`] = count;
      assert.deepEqual(sketchBinUpdates(values), expected);
    });

    it("gives field paths of simple Firestore names only, and no zero increments", () => {
      const updates = sketchBinUpdates(logNormalSamples(1000, Math.log(0.2), 1, 6));
      for (const [path, count] of Object.entries(updates)) {
        for (const segment of path.split(".")) assert.match(segment, FIRESTORE_SIMPLE_FIELD);
        assert.ok(count > 0);
      }
      assert.equal("zero" in updates, false);
      assert.deepEqual(sketchBinUpdates([]), {});
    });

    it("throws a RangeError naming an invalid value in the batch", () => {
      assert.throws(() => sketchBinUpdates([1, NaN]), /NaN/);
    });
  });
});

function sortedBins(s: SketchData): [string, number][] {
  return Object.entries(s.bins).sort(([a], [b]) => binIndex(a) - binIndex(b));
}
