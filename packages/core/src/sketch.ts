/**
 * Mergeable quantile sketch with a relative-error guarantee (DDSketch, Masson et al., VLDB 2019).
 *
 * A value x > 0 falls in bucket i = ceil(log_gamma(x)), i.e. (gamma^(i-1), gamma^i], and is
 * estimated as 2 * gamma^i / (gamma + 1), which is within SKETCH_RELATIVE_ACCURACY of every value
 * in the bucket. A sketch is just bucket counts, so merging shards or windows is adding counts:
 * exact, order-independent, and doable on the server with `FieldValue.increment` per bucket.
 *
 * The data is plain JSON so it is stored in Firestore as-is.
 */

import { assertNonNegativeFinite } from "./non-negative";

/** Every quantile estimate is within 1% of the exact value at the same rank. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/**
 * Values below this (1 ns) count in the zero bucket and are estimated as 0: no timer resolves
 * shorter durations, and it keeps the lowest index bounded.
 */
export const SKETCH_MIN_INDEXABLE_VALUE = 1e-9;

/**
 * Bins one sketch keeps, which bounds its stored size (about 14 bytes a bin, so 7 KiB). 512 bins at 1%
 * span a factor of about 28,000 (1 ms to 28 s) at full accuracy; beyond that the lowest bins are
 * collapsed into the lowest kept one (DDSketch's "collapsing lowest"): count, min and max stay exact,
 * quantiles at ranks inside the collapsed range are overestimated (never above the kept bin), and
 * every quantile above them keeps its 1% guarantee. Latency's upper quantiles are what it protects.
 */
export const SKETCH_MAX_BINS = 512;

const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);

/**
 * Sparse bucket counts. `bins` maps `binKey(index)` to a count; keys are simple Firestore field
 * names, so the server can increment `sketch.bins.<key>` without quoting.
 */
export interface SketchData {
  /** Count of values below SKETCH_MIN_INDEXABLE_VALUE (zeros included). */
  zero: number;
  bins: Record<string, number>;
}

/** Optional exact bounds of the data; a quantile estimate is clamped into them. */
export interface QuantileClamp {
  min: number;
  max: number;
}

const BIN_KEY_PATTERN = /^([pn])(0|[1-9][0-9]*)$/;

/** `p123` for index 123 and `n45` for index -45: letters first, as Firestore field names need. */
export function binKey(index: number): string {
  if (!Number.isSafeInteger(index)) throw new RangeError(`sketch bin index must be an integer, got ${index}`);
  return index < 0 ? `n${-index}` : `p${index}`;
}

/** Inverse of `binKey`; rejects anything `binKey` would not produce (including `n0`). */
export function binIndex(key: string): number {
  const match = BIN_KEY_PATTERN.exec(key);
  if (!match || key === "n0") throw new RangeError(`invalid sketch bin key: ${JSON.stringify(key)}`);
  const magnitude = Number(match[2]);
  if (!Number.isSafeInteger(magnitude))
    throw new RangeError(`invalid sketch bin key: ${JSON.stringify(key)}`);
  return match[1] === "n" ? -magnitude : magnitude;
}

export function emptySketch(): SketchData {
  return { zero: 0, bins: {} };
}

/** Bucket key for a value, or null for the zero bucket. */
function keyOf(value: number): string | null {
  assertNonNegativeFinite(value, "sketch value");
  if (value < SKETCH_MIN_INDEXABLE_VALUE) return null;
  return binKey(Math.ceil(Math.log(value) / LN_GAMMA));
}

function bucketEstimate(index: number): number {
  return (2 * Math.exp(index * LN_GAMMA)) / (GAMMA + 1);
}

function assertCount(count: number, allowZero: boolean): void {
  const ok = Number.isSafeInteger(count) && (allowZero ? count >= 0 : count > 0);
  if (!ok)
    throw new RangeError(
      `sketch count must be a ${allowZero ? "non-negative" : "positive"} integer, got ${count}`,
    );
}

/** Adds `count` occurrences of `value`. Mutates and returns `s`. */
export function sketchAdd(s: SketchData, value: number, count = 1): SketchData {
  assertCount(count, false);
  const key = keyOf(value);
  if (key === null) {
    s.zero += count;
    return s;
  }
  const previous = s.bins[key];
  s.bins[key] = (previous ?? 0) + count;
  if (previous === undefined) collapseLowest(s);
  return s;
}

/** Keeps at most SKETCH_MAX_BINS bins by moving the lowest ones' counts into the lowest kept bin. */
function collapseLowest(s: SketchData): void {
  const keys = Object.keys(s.bins);
  if (keys.length <= SKETCH_MAX_BINS) return;
  const ascending = keys.map((key) => [binIndex(key), key] as const).sort((a, b) => a[0] - b[0]);
  const excess = ascending.length - SKETCH_MAX_BINS;
  const target = ascending[excess]![1];
  for (const [, key] of ascending.slice(0, excess)) {
    s.bins[target]! += s.bins[key]!;
    delete s.bins[key];
  }
}

/**
 * Adds `other`'s counts into `into` (mutated and returned). Keys and counts are checked first,
 * since `other` may come from storage, and nothing is changed if they are invalid.
 */
export function sketchMerge(into: SketchData, other: SketchData): SketchData {
  assertCount(other.zero, true);
  const entries = Object.entries(other.bins);
  for (const [key, count] of entries) {
    binIndex(key);
    assertCount(count, true);
  }
  into.zero += other.zero;
  for (const [key, count] of entries) {
    if (count > 0) into.bins[key] = (into.bins[key] ?? 0) + count;
  }
  collapseLowest(into);
  return into;
}

export function sketchCount(s: SketchData): number {
  let n = s.zero;
  for (const count of Object.values(s.bins)) n += count;
  return n;
}

/**
 * The "lower" quantile: the estimate of the value at 0-based rank floor(q * (n - 1)) of the sorted
 * data, so q = 0 is the minimum, q = 1 the maximum, and p50 of [1, 2, 3, 4] is 2. The estimate is
 * within SKETCH_RELATIVE_ACCURACY of that exact value (values below SKETCH_MIN_INDEXABLE_VALUE are
 * estimated as 0). With `clamp` set to the exact min and max of the data the result stays inside
 * them, which only brings it closer. Returns null for an empty sketch.
 */
export function sketchQuantile(s: SketchData, q: number, clamp?: QuantileClamp): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  const n = sketchCount(s);
  if (n === 0) return null;
  const rank = Math.floor(q * (n - 1));
  const estimate = estimateAtRank(s, rank);
  return clamp ? Math.min(Math.max(estimate, clamp.min), clamp.max) : estimate;
}

function estimateAtRank(s: SketchData, rank: number): number {
  let seen = s.zero;
  if (rank < seen) return 0;
  const buckets = Object.entries(s.bins)
    .map(([key, count]) => [binIndex(key), count] as const)
    .sort((a, b) => a[0] - b[0]);
  let estimate = 0;
  for (const [index, count] of buckets) {
    seen += count;
    estimate = bucketEstimate(index);
    if (seen > rank) break;
  }
  return estimate;
}

/**
 * Increments for a batch of values as field paths relative to the sketch field: `zero` and
 * `bins.<key>`. The server writes `{ [`${field}.${path}`]: FieldValue.increment(count) }`, one
 * update for the whole batch. Zero-count paths are omitted.
 */
export function sketchBinUpdates(values: Iterable<number>): Record<string, number> {
  const batch = emptySketch();
  for (const value of values) sketchAdd(batch, value);
  const updates: Record<string, number> = {};
  if (batch.zero > 0) updates.zero = batch.zero;
  for (const [key, count] of Object.entries(batch.bins)) updates[`bins.${key}`] = count;
  return updates;
}
