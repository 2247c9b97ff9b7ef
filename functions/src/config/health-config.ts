/**
 * Health rules are runtime configuration: the core's defaults, overridden per setting by the document
 * perf_config/health ({overrides: {cpu_percent: {warning, critical}, ...}}), which admins change with
 * setHealthConfig; evaluations read it through the config cache.
 */
import { logger } from "firebase-functions";
import type { Firestore } from "firebase-admin/firestore";
import {
  DEFAULT_HEALTH_CONFIG,
  effectiveHealthConfig,
  type HealthConfig,
  type HealthConfigOverrides,
} from "@aideon-perf/core";
import { configDocument } from "./config-document";
import { storedHealthConfigConverter, type StoredHealthConfig } from "../stored/config";

const INVALID = "perf_config/health overrides are invalid; using the defaults";

export function healthConfigStore(db: Firestore, now: () => number = Date.now) {
  return configDocument<HealthConfig, HealthConfigOverrides, StoredHealthConfig>(
    db,
    {
      id: "health",
      converter: storedHealthConfigConverter,
      resolve: (stored) => {
        const { config, error } = effectiveHealthConfig(stored);
        if (error) logger.error(INVALID, { error });
        return config;
      },
      // Only setHealthConfig (validated) writes it; a hand edit that breaks it must not stop health checks.
      onInvalid: (error) => {
        logger.error(INVALID, { error: error.message });
        return { ...DEFAULT_HEALTH_CONFIG };
      },
    },
    now,
  );
}

export type HealthConfigStore = ReturnType<typeof healthConfigStore>;
