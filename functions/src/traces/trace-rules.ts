import { LIMITS, ValidationError } from "@aideon-perf/core";

/** Server-clock duration in seconds, as the contract reports it (float seconds, never negative). */
export function durationSeconds(startMs: number, stopMs: number): number {
  return Math.max(0, stopMs - startMs) / 1000;
}

/**
 * Merges attributes or metrics added at stop / addMetric time into what the trace already holds.
 * A later value replaces an earlier one under the same key (addMetric documents this), and the
 * per-trace limit applies to the merged map, so that many small calls cannot grow a trace past it.
 */
export function mergeWithinLimit<V>(
  existing: Record<string, V> | undefined,
  added: Record<string, V> | undefined,
  limit: number,
  field: string,
): Record<string, V> {
  const merged = { ...existing, ...added };
  const count = Object.keys(merged).length;
  if (count > limit) {
    throw new ValidationError(field, `a trace holds at most ${limit} entries, this call would make ${count}`);
  }
  return merged;
}

export const mergeAttributes = <V>(
  existing: Record<string, V> | undefined,
  added: Record<string, V> | undefined,
) => mergeWithinLimit(existing, added, LIMITS.MAX_ATTRIBUTES, "attributes");

export const mergeMetrics = (
  existing: Record<string, number> | undefined,
  added: Record<string, number> | undefined,
) => mergeWithinLimit(existing, added, LIMITS.MAX_METRICS, "metrics");
