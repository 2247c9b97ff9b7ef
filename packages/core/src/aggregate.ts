/**
 * Running duration statistics for one trace type, shard or window. Count, min, max and the sketch
 * merge exactly in any order; the sum is a float, so it merges in any order up to rounding.
 */

import type { TraceSummary } from "./api-schemas";
import { emptySketch, sketchAdd, sketchMerge, sketchQuantile, type SketchData } from "./sketch";

export interface DurationAggregate {
  count: number;
  /** Seconds. */
  sum: number;
  /** Exact, in seconds; null while count is 0. */
  min: number | null;
  max: number | null;
  sketch: SketchData;
}

export function emptyAggregate(): DurationAggregate {
  return { count: 0, sum: 0, min: null, max: null, sketch: emptySketch() };
}

/** Adds one duration. Mutates and returns `agg`; an invalid duration throws before any change. */
export function aggregateAdd(agg: DurationAggregate, seconds: number): DurationAggregate {
  sketchAdd(agg.sketch, seconds);
  agg.count += 1;
  agg.sum += seconds;
  agg.min = lesser(agg.min, seconds);
  agg.max = greater(agg.max, seconds);
  return agg;
}

/** Adds `other` into `into` (mutated and returned). */
export function aggregateMerge(into: DurationAggregate, other: DurationAggregate): DurationAggregate {
  sketchMerge(into.sketch, other.sketch);
  into.count += other.count;
  into.sum += other.sum;
  into.min = lesser(into.min, other.min);
  into.max = greater(into.max, other.max);
  return into;
}

function lesser(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function greater(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

export function summarize(agg: DurationAggregate): TraceSummary {
  if (agg.count === 0 || agg.min === null || agg.max === null) {
    return {
      count: 0,
      average_duration: null,
      min_duration: null,
      max_duration: null,
      p50_duration: null,
      p95_duration: null,
      p99_duration: null,
    };
  }
  // The sketch only knows buckets; the exact extremes keep p99 of a tiny sample from exceeding max.
  const clamp = { min: agg.min, max: agg.max };
  return {
    count: agg.count,
    average_duration: agg.sum / agg.count,
    min_duration: agg.min,
    max_duration: agg.max,
    p50_duration: sketchQuantile(agg.sketch, 0.5, clamp),
    p95_duration: sketchQuantile(agg.sketch, 0.95, clamp),
    p99_duration: sketchQuantile(agg.sketch, 0.99, clamp),
  };
}
