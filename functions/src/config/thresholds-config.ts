/**
 * Thresholds are runtime configuration: the core's defaults, overridden per type by the document
 * perf_config/thresholds ({overrides: {TYPE: {good, acceptable, poor}}}), which admins change with
 * setThresholds. Triggers read it through a short cache so a burst of events costs one read.
 */
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { PERFORMANCE_THRESHOLDS, type Threshold, type TraceType } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";

/** How stale a cached threshold may be: a changed threshold applies to new traces within this. */
export const THRESHOLDS_CACHE_MS = 30_000;
const THRESHOLDS_DOC = "thresholds";

export type Thresholds = Record<TraceType, Threshold>;
export type ThresholdOverrides = Partial<Record<TraceType, Threshold | null>>;

export function effectiveThresholds(overrides: Partial<Record<TraceType, Threshold>> | undefined): Thresholds {
  return { ...PERFORMANCE_THRESHOLDS, ...overrides } as Thresholds;
}

export function thresholdsConfig(db: Firestore, now: () => number = Date.now) {
  const ref = () => db.collection(COLLECTIONS.config).doc(THRESHOLDS_DOC);
  let cached: { at: number; value: Thresholds } | undefined;

  return {
    async get(): Promise<Thresholds> {
      if (cached && now() - cached.at < THRESHOLDS_CACHE_MS) return cached.value;
      const snap = await ref().get();
      cached = { at: now(), value: effectiveThresholds(snap.get("overrides")) };
      return cached.value;
    },

    /** Sets the given types' overrides (null resets a type to its default) and returns the result. */
    async set(overrides: ThresholdOverrides): Promise<Thresholds> {
      const update = Object.fromEntries(
        Object.entries(overrides).map(([type, t]) => [type, t === null ? FieldValue.delete() : t]),
      );
      await ref().set({ overrides: update }, { merge: true });
      cached = undefined;
      return this.get();
    },
  };
}

export type ThresholdsConfig = ReturnType<typeof thresholdsConfig>;
