/**
 * Time buckets for aggregates. Triggers write per-minute shards; a scheduled fold rolls closed minutes
 * up into minute, hour, day and all-time buckets, so a window is read from a bounded number of
 * documents whatever the traffic. Bucket keys sort lexically in time order and are valid document ids.
 */
import * as z from "zod";

export type Granularity = "minute" | "hour" | "day" | "all";

/** Windows a summary can be asked for, as the read APIs accept them. */
export const WINDOWS = ["hour", "24h", "7d", "all"] as const;
export type StatsWindow = (typeof WINDOWS)[number];
export const windowSchema = z.enum(WINDOWS);

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const DIGITS_BY_GRANULARITY = { minute: 12, hour: 10, day: 8 } as const;

/** `m202412061430`, `h2024120614`, `d20241206` or `all` (UTC). */
export function bucketKey(granularity: Granularity, ms: number): string {
  if (granularity === "all") return "all";
  const compact = new Date(ms)
    .toISOString()
    .replace(/[-:T]/g, "")
    .slice(0, DIGITS_BY_GRANULARITY[granularity]);
  return `${granularity[0]}${compact}`;
}

/** The start (epoch ms) of a minute bucket key `m202412061430`, or null if it is not one. */
export function minuteKeyStart(key: string): number | null {
  const m = /^m(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(key);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return bucketKey("minute", ms) === key ? ms : null;
}

export function minuteStart(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/**
 * The rollup buckets that make up a window ending now, newest first: the last 60 minutes, the last
 * 24 hours or 7 days counting the current one, or the all-time bucket. Windows are aligned to their
 * buckets (a "24h" window starts at the top of the hour 23 hours ago).
 */
export function windowBuckets(
  window: StatsWindow,
  nowMs: number,
): { granularity: Granularity; keys: string[] } {
  const span = (granularity: Granularity, count: number, stepMs: number) => ({
    granularity,
    keys: Array.from({ length: count }, (_, i) => bucketKey(granularity, nowMs - i * stepMs)),
  });
  switch (window) {
    case "hour":
      return span("minute", 60, MINUTE_MS);
    case "24h":
      return span("hour", 24, HOUR_MS);
    case "7d":
      return span("day", 7, DAY_MS);
    case "all":
      return { granularity: "all", keys: ["all"] };
  }
}

/** Start (epoch ms) of the oldest bucket of a window: minutes newer than this belong to it. */
export function windowStartMs(window: StatsWindow, nowMs: number): number {
  switch (window) {
    case "hour":
      return minuteStart(nowMs) - 59 * MINUTE_MS;
    case "24h":
      return Math.floor(nowMs / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
    case "7d":
      return Math.floor(nowMs / DAY_MS) * DAY_MS - 6 * DAY_MS;
    case "all":
      return 0;
  }
}
