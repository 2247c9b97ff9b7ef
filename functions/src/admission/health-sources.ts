/**
 * Which recorded traces steer health and alerts, so that a hostile user cannot fire an alert or hide a
 * regression by itself (HEALTH_SOURCES and the hourly caps, declared with their defaults in
 * config/index.ts):
 *   signed-in   (default) every principal but anonymous ones (free to create, so never counted)
 *   trusted     only trusted principals (the trusted_source claim, a trusted ingest key)
 *   all         everyone, anonymous included
 * Trusted principals always count, uncapped. Every other counted principal is capped per hour
 * (HEALTH_PRINCIPAL_TRACES_PER_HOUR traces, HEALTH_PRINCIPAL_SLOW_PER_HOUR slow traces). Traces past the
 * cap are recorded and aggregated as usual, only left out of the health statistics.
 */
import type { z } from "zod";
import { SETTINGS } from "../config";
import { readSettings } from "../config/env-settings";
import type { Principal } from "./principal";

/** The HEALTH_SOURCES choices, as the configuration module lists them. */
export type HealthSources = z.output<typeof SETTINGS.healthSources>["HEALTH_SOURCES"];

export interface HealthCaps {
  sources: HealthSources;
  tracesPerHour: number;
  slowPerHour: number;
}

export function healthCapsFromEnv(env: Readonly<Record<string, string | undefined>>): HealthCaps {
  const parsed = readSettings(SETTINGS.healthSources, env);
  return {
    sources: parsed.HEALTH_SOURCES,
    tracesPerHour: parsed.HEALTH_PRINCIPAL_TRACES_PER_HOUR,
    slowPerHour: parsed.HEALTH_PRINCIPAL_SLOW_PER_HOUR,
  };
}

/** "uncapped": counts in full; "capped": counts within the hourly caps; "no": never counts. */
export function healthStanding(caps: HealthCaps, principal: Principal): "uncapped" | "capped" | "no" {
  if (principal.trusted) return "uncapped";
  if (caps.sources === "trusted") return "no";
  if (caps.sources === "signed-in" && principal.kind === "anonymous") return "no";
  return "capped";
}
