/**
 * Health rules are runtime configuration: the core's defaults, overridden per setting by the document
 * perf_config/health ({overrides: {cpu_percent: {warning, critical}, ...}}), which admins change with
 * setHealthConfig; evaluations read it through the config cache.
 */
import { logger } from "firebase-functions";
import type { Firestore } from "firebase-admin/firestore";
import { effectiveHealthConfig, type HealthConfig, type HealthConfigOverrides } from "@aideon-perf/core";
import { configDocument } from "../config/config-document";

export function healthConfigStore(db: Firestore, now: () => number = Date.now) {
  return configDocument<HealthConfig, HealthConfigOverrides>(
    db,
    "health",
    (stored) => {
      const { config, error } = effectiveHealthConfig(stored);
      // Only setHealthConfig (validated) writes it; a hand edit that breaks it must not stop health checks.
      if (error) logger.error("perf_config/health overrides are invalid; using the defaults", { error });
      return config;
    },
    now,
  );
}

export type HealthConfigStore = ReturnType<typeof healthConfigStore>;
