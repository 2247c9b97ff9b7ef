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
import type { Principal } from "./principal";

export type HealthSources = "signed-in" | "trusted" | "all";

export interface HealthCaps {
  sources: HealthSources;
  tracesPerHour: number;
  slowPerHour: number;
}

export function healthCapsFromEnv(env: Readonly<Record<string, string | undefined>>): HealthCaps {
  const sources = (env.HEALTH_SOURCES ?? "").trim() || "signed-in";
  if (sources !== "signed-in" && sources !== "trusted" && sources !== "all") {
    throw new Error(`HEALTH_SOURCES must be signed-in, trusted or all, not "${sources}"`);
  }
  const count = (name: string, fallback: number) => {
    const text = (env[name] ?? "").trim();
    if (text === "") return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new Error(`${name} must be a whole number from 0 to 1000000, not "${text}"`);
    return n;
  };
  return { sources, tracesPerHour: count("HEALTH_PRINCIPAL_TRACES_PER_HOUR", 200), slowPerHour: count("HEALTH_PRINCIPAL_SLOW_PER_HOUR", 5) };
}

/** "uncapped": counts in full; "capped": counts within the hourly caps; "no": never counts. */
export function healthStanding(caps: HealthCaps, principal: Principal): "uncapped" | "capped" | "no" {
  if (principal.trusted) return "uncapped";
  if (caps.sources === "trusted") return "no";
  if (caps.sources === "signed-in" && principal.kind === "anonymous") return "no";
  return "capped";
}
