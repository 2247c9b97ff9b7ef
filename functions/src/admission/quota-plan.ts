/**
 * The recording quotas, as configuration (environment variables; functions/.env documents them) and
 * pure lease arithmetic. Units are traces: a recordTraces call of 500 traces takes 500, startTrace /
 * stopTrace / addMetric take 1 each. Anonymous accounts cost nothing to create, so they get their own,
 * smaller quotas.
 *
 *   QUOTA_TRACES_PER_MINUTE             per signed-in principal per minute (default 30,000: 500/s)
 *   QUOTA_TRACES_PER_DAY                per signed-in principal per UTC day (default 5,000,000)
 *   QUOTA_ANONYMOUS_TRACES_PER_MINUTE   per anonymous principal per minute (default 1,200: 20/s)
 *   QUOTA_ANONYMOUS_TRACES_PER_DAY      per anonymous principal per UTC day (default 100,000)
 *   QUOTA_INGEST_KEY_TRACES_PER_MINUTE  per ingest key per minute (default 60,000: 1,000/s, a busy backend)
 *   QUOTA_INGEST_KEY_TRACES_PER_DAY     per ingest key per UTC day (default 20,000,000)
 *   QUOTA_PROJECT_TRACES_PER_MINUTE     all principals together: the bill's guard (default 120,000: 2,000/s)
 *   QUOTA_LEASE_TRACES                  traces an instance reserves per Firestore transaction (default 500)
 * 0 turns a quota off.
 */
import * as z from "zod";
import { DAY_MS, MINUTE_MS } from "@aideon-perf/core";
import { readSettings, wholeNumberSetting } from "../config/env-settings";
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

export const QUOTA_DEFAULTS = Object.freeze({
  QUOTA_TRACES_PER_MINUTE: 30_000,
  QUOTA_TRACES_PER_DAY: 5_000_000,
  QUOTA_ANONYMOUS_TRACES_PER_MINUTE: 1_200,
  QUOTA_ANONYMOUS_TRACES_PER_DAY: 100_000,
  QUOTA_INGEST_KEY_TRACES_PER_MINUTE: 60_000,
  QUOTA_INGEST_KEY_TRACES_PER_DAY: 20_000_000,
  QUOTA_PROJECT_TRACES_PER_MINUTE: 120_000,
  QUOTA_LEASE_TRACES: 500,
});

/** The variables that turn every quota off (benchmarks measure the pipeline as one principal). */
export const QUOTAS_OFF: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    Object.keys(QUOTA_DEFAULTS)
      .filter((k) => k !== "QUOTA_LEASE_TRACES")
      .map((k) => [k, "0"]),
  ),
);

const envSchema = z.object({
  QUOTA_TRACES_PER_MINUTE: wholeNumberSetting(0, 10_000_000, QUOTA_DEFAULTS.QUOTA_TRACES_PER_MINUTE),
  QUOTA_TRACES_PER_DAY: wholeNumberSetting(0, 1_000_000_000, QUOTA_DEFAULTS.QUOTA_TRACES_PER_DAY),
  QUOTA_ANONYMOUS_TRACES_PER_MINUTE: wholeNumberSetting(
    0,
    10_000_000,
    QUOTA_DEFAULTS.QUOTA_ANONYMOUS_TRACES_PER_MINUTE,
  ),
  QUOTA_ANONYMOUS_TRACES_PER_DAY: wholeNumberSetting(
    0,
    1_000_000_000,
    QUOTA_DEFAULTS.QUOTA_ANONYMOUS_TRACES_PER_DAY,
  ),
  QUOTA_INGEST_KEY_TRACES_PER_MINUTE: wholeNumberSetting(
    0,
    10_000_000,
    QUOTA_DEFAULTS.QUOTA_INGEST_KEY_TRACES_PER_MINUTE,
  ),
  QUOTA_INGEST_KEY_TRACES_PER_DAY: wholeNumberSetting(
    0,
    1_000_000_000,
    QUOTA_DEFAULTS.QUOTA_INGEST_KEY_TRACES_PER_DAY,
  ),
  QUOTA_PROJECT_TRACES_PER_MINUTE: wholeNumberSetting(
    0,
    100_000_000,
    QUOTA_DEFAULTS.QUOTA_PROJECT_TRACES_PER_MINUTE,
  ),
  QUOTA_LEASE_TRACES: wholeNumberSetting(1, 100_000, QUOTA_DEFAULTS.QUOTA_LEASE_TRACES),
});

/** Reads the plan; an invalid value throws, naming the variable. */
export function quotaPlanFromEnv(env: Readonly<Record<string, string | undefined>>): QuotaPlan {
  const parsed = readSettings(envSchema, env);
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
