/**
 * Health rules are runtime configuration: the core's defaults, overridden per setting by the document
 * perf_config/health ({overrides: {cpu_percent: {warning, critical}, ...}}), which admins change with
 * setHealthConfig. Evaluations read it through a short cache.
 */
import { logger } from "firebase-functions";
import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { effectiveHealthConfig, type HealthConfig, type HealthConfigOverrides } from "@aideon-perf/core";
import { COLLECTIONS } from "../firestore";

/** How stale a cached configuration may be: a change applies to evaluations within this. */
export const HEALTH_CONFIG_CACHE_MS = 30_000;
const HEALTH_CONFIG_DOC = "health";

export function healthConfigStore(db: Firestore, now: () => number = Date.now) {
  const ref = () => db.collection(COLLECTIONS.config).doc(HEALTH_CONFIG_DOC);
  let cached: { at: number; value: HealthConfig } | undefined;

  return {
    async get(): Promise<HealthConfig> {
      if (cached && now() - cached.at < HEALTH_CONFIG_CACHE_MS) return cached.value;
      const { config, error } = effectiveHealthConfig((await ref().get()).get("overrides"));
      // Only setHealthConfig (validated) writes it; a hand edit that breaks it must not stop health checks.
      if (error) logger.error("perf_config/health overrides are invalid; using the defaults", { error });
      cached = { at: now(), value: config };
      return config;
    },

    /** Sets the given settings' overrides (null resets one to its default) and returns the result. */
    async set(overrides: HealthConfigOverrides): Promise<HealthConfig> {
      const update = Object.fromEntries(Object.entries(overrides).map(([key, v]) => [key, v === null ? FieldValue.delete() : v]));
      await ref().set({ overrides: update }, { merge: true });
      cached = undefined;
      return this.get();
    },
  };
}

export type HealthConfigStore = ReturnType<typeof healthConfigStore>;
