/** The agent's push retry policy and the server's Retry-After. The backoff itself is the core's. */
import type { BackoffPolicy } from "@aideon-perf/core/backoff";

const INITIAL_RETRY_DELAY_MS = 1_000;
const MAX_RETRY_DELAY_MS = 60_000;

/**
 * The agent's push retries: from 1 s, doubling up to two sampling intervals and at most 1 min. Waiting
 * much longer than new samples arrive would only grow the backlog; at the default 30 s interval a cut-off
 * agent tries about every 30 s on average.
 */
export function pushBackoff(intervalSeconds: number): BackoffPolicy {
  return {
    initialDelayMs: INITIAL_RETRY_DELAY_MS,
    maxDelayMs: Math.min(MAX_RETRY_DELAY_MS, Math.max(INITIAL_RETRY_DELAY_MS, 2 * intervalSeconds * 1_000)),
  };
}

/** A server's Retry-After (delay-seconds or an HTTP date) in ms, or undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
