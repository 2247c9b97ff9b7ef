/**
 * Thresholds are runtime configuration: the core's defaults, overridden per type by the document
 * perf_config/thresholds ({overrides: {TYPE: {good, acceptable, poor}}}), which admins change with
 * setThresholds; triggers read it through the config cache.
 */
import type { Firestore } from "firebase-admin/firestore";
import { PERFORMANCE_THRESHOLDS, type Threshold, type TraceType } from "@aideon-perf/core";
import { storedThresholdsConfigConverter, type StoredThresholdsConfig } from "../stored/config";
import { configDocument } from "./config-document";

export type Thresholds = Record<TraceType, Threshold>;
export type ThresholdOverrides = Partial<Record<TraceType, Threshold | null>>;

export function effectiveThresholds(
  overrides: Partial<Record<TraceType, Threshold>> | undefined,
): Thresholds {
  return { ...PERFORMANCE_THRESHOLDS, ...overrides } as Thresholds;
}

export function thresholdsConfig(db: Firestore, now: () => number = Date.now) {
  return configDocument<Thresholds, ThresholdOverrides, StoredThresholdsConfig>(
    db,
    { id: "thresholds", converter: storedThresholdsConfigConverter, resolve: effectiveThresholds },
    now,
  );
}

export type ThresholdsConfig = ReturnType<typeof thresholdsConfig>;
