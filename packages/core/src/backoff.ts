/**
 * Retry timing shared by the SDK and the agent: exponential backoff with full jitter, and a sleep that
 * an abort cuts short. It imports nothing, so the agent bundles it without zod or the rest of the core.
 */

export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * Delay before retry number `attempt` (0 for the first): uniform in [0, min(max, initial * 2^attempt)).
 * Full jitter spreads clients that failed together, so they do not retry in lockstep.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  // 2^53 and beyond is Infinity-adjacent; the ceiling is long capped by then anyway.
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 52));
  return Math.floor(random() * ceiling);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
