import { assertNonNegativeFinite } from "./non-negative";
import type { Threshold } from "./thresholds";

export type DurationClass = "good" | "acceptable" | "poor" | "slow";

/**
 * Boundaries, in seconds:
 *   [0, good)              good
 *   [good, acceptable)     acceptable
 *   [acceptable, poor]     poor
 *   (poor, ...)            slow: the contract's slow operation (8.5 s against HTTP's 5.0 s)
 * So a duration exactly at a band's upper threshold is already the next band, except at `poor`:
 * reaching poor is poor, only exceeding it is slow.
 */
export function classifyDuration(seconds: number, threshold: Threshold): DurationClass {
  assertNonNegativeFinite(seconds, "duration");
  if (seconds < threshold.good) return "good";
  if (seconds < threshold.acceptable) return "acceptable";
  if (seconds <= threshold.poor) return "poor";
  return "slow";
}

export function isSlow(seconds: number, threshold: Threshold): boolean {
  return classifyDuration(seconds, threshold) === "slow";
}
