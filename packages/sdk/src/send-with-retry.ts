/** One batch, sent until it is stored: retryable failures are retried with backoff and the same request. */
import { backoffDelay, sleep, type BackoffPolicy } from "@aideon-perf/core";

export interface RetryPolicy extends BackoffPolicy {
  maxRetries: number;
}

/**
 * Callable error codes that a retry cannot fix: the request itself is wrong or not allowed.
 * Everything else (unavailable, internal, deadline-exceeded, resource-exhausted, a network error,
 * unauthenticated while sign-in completes...) is retried.
 */
const PERMANENT_CODES = new Set([
  "invalid-argument",
  "permission-denied",
  "not-found",
  "failed-precondition",
  "out-of-range",
  "unimplemented",
]);

export function isRetryable(error: unknown): boolean {
  // A REST answer says itself (transport.ts RestCallError: a bad or revoked ingest key is not retried).
  if ((error as { retryable?: unknown } | null)?.retryable === false) return false;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code !== "string" || !PERMANENT_CODES.has(code.replace(/^functions\//, ""));
}

/**
 * Calls `send` until it resolves; rejects with the last error when it is permanent, retries are
 * used up, or `abort` fires (shutdown's deadline).
 */
export async function sendWithRetry<T>(
  send: () => Promise<T>,
  policy: RetryPolicy,
  abort: AbortSignal,
  random: () => number,
  onRetry: () => void,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= policy.maxRetries || !isRetryable(error) || abort.aborted) throw error;
      await sleep(backoffDelay(attempt, policy, random), abort);
      if (abort.aborted) throw error;
      onRetry();
    }
  }
}
