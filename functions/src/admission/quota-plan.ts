/**
 * The recording quotas: the plan read from the QUOTA_* variables (declared with their defaults in
 * config/index.ts) and pure lease arithmetic. Units are traces; 0 turns a quota off.
 */
import { DAY_MS, MINUTE_MS } from "@aideon-perf/core";
import { SETTINGS } from "../config";
import { readSettings } from "../config/env-settings";
import type { PrincipalKind } from "./principal";

export interface PrincipalQuotas {
  perMinute: number;
  perDay: number;
}

export interface QuotaPlan {
  /** By principal kind (see principal.ts). */
  principal: Record<PrincipalKind, PrincipalQuotas>;
  projectPerMinute: number;
  leaseSize: number;
}

/** The project budget is spread over this many counter documents, so no one of them is hot. */
export const PROJECT_QUOTA_SHARDS = 10;
/** A lease takes at most this fraction (1 / n) of what remains, so instances share the end of a window. */
export const LEASE_SHARE_DIVISOR = 4;

/** Every quota's default, by variable. */
export const QUOTA_DEFAULTS = Object.freeze(readSettings(SETTINGS.quotas, {}));

/** The variables that turn every quota off (benchmarks measure the pipeline as one principal). */
export const QUOTAS_OFF: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    Object.keys(QUOTA_DEFAULTS)
      .filter((k) => k !== "QUOTA_LEASE_TRACES")
      .map((k) => [k, "0"]),
  ),
);

/** Reads the plan; an invalid value throws, naming the variable. */
export function quotaPlanFromEnv(env: Readonly<Record<string, string | undefined>>): QuotaPlan {
  const parsed = readSettings(SETTINGS.quotas, env);
  return {
    principal: {
      user: { perMinute: parsed.QUOTA_TRACES_PER_MINUTE, perDay: parsed.QUOTA_TRACES_PER_DAY },
      anonymous: {
        perMinute: parsed.QUOTA_ANONYMOUS_TRACES_PER_MINUTE,
        perDay: parsed.QUOTA_ANONYMOUS_TRACES_PER_DAY,
      },
      ingest_key: {
        perMinute: parsed.QUOTA_INGEST_KEY_TRACES_PER_MINUTE,
        perDay: parsed.QUOTA_INGEST_KEY_TRACES_PER_DAY,
      },
    },
    projectPerMinute: parsed.QUOTA_PROJECT_TRACES_PER_MINUTE,
    leaseSize: parsed.QUOTA_LEASE_TRACES,
  };
}

/**
 * What one window can grant a call that needs `need` units when `used` of `limit` are taken: at
 * least `need` (or nothing), at most a lease, never more than a quarter of what remains beyond `need`.
 * A limit of 0 is no limit.
 */
export function windowGrant(used: number, limit: number, need: number, leaseSize: number): number {
  if (limit === 0) return Math.max(need, leaseSize);
  const remaining = Math.max(0, limit - used);
  if (remaining < need) return 0;
  return Math.min(
    remaining,
    Math.max(need, Math.min(leaseSize, Math.floor(remaining / LEASE_SHARE_DIVISOR))),
  );
}

export type QuotaScope = "principal_minute" | "principal_day" | "project_minute";

export const minuteIndex = (ms: number) => Math.floor(ms / MINUTE_MS);
export const dayIndex = (ms: number) => Math.floor(ms / DAY_MS);

/** Whole seconds until the window of `windowMs` that holds `nowMs` ends, at least 1. */
export function windowRetryAfterSeconds(nowMs: number, windowMs: number): number {
  const end = (Math.floor(nowMs / windowMs) + 1) * windowMs;
  return Math.max(1, Math.ceil((end - nowMs) / 1000));
}

/** Whole seconds until the scope's window of `nowMs` ends, at least 1. */
export const retryAfterSeconds = (scope: QuotaScope, nowMs: number): number =>
  windowRetryAfterSeconds(nowMs, scope === "principal_day" ? DAY_MS : MINUTE_MS);
