/**
 * Which recorded traces steer health and alerts (HEALTH_SOURCES in functions/.env), so that a hostile
 * user cannot fire an alert or hide a regression by itself:
 *   signed-in   (default) every principal but anonymous ones (free to create, so never counted)
 *   trusted     only trusted principals (the trusted_source claim; later ingest keys)
 *   all         everyone, anonymous included
 * Trusted principals always count, uncapped. Every other counted principal is capped per hour:
 * HEALTH_PRINCIPAL_TRACES_PER_HOUR traces (default 200) and HEALTH_PRINCIPAL_SLOW_PER_HOUR slow traces
 * (default 5, half the default slow-operations alert threshold of 10 an hour). Traces past the cap are
 * recorded and aggregated as usual, only left out of the health statistics.
 */
import * as z from "zod";
import { readSettings, wholeNumberSetting } from "../config/env-settings";
import type { Principal } from "./principal";

export type HealthSources = "signed-in" | "trusted" | "all";

export interface HealthCaps {
  sources: HealthSources;
  tracesPerHour: number;
  slowPerHour: number;
}

const envSchema = z.object({
  HEALTH_SOURCES: z
    .enum(["signed-in", "trusted", "all"])
    .optional()
    .transform((v) => v ?? "signed-in"),
  HEALTH_PRINCIPAL_TRACES_PER_HOUR: wholeNumberSetting(0, 1_000_000, 200),
  HEALTH_PRINCIPAL_SLOW_PER_HOUR: wholeNumberSetting(0, 1_000_000, 5),
});

export function healthCapsFromEnv(env: Readonly<Record<string, string | undefined>>): HealthCaps {
  const parsed = readSettings(envSchema, env);
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
