/** Retry timing for pushes: exponential backoff with full jitter, and a sleep that an abort cuts short. */

export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

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

/**
 * Delay before retry number `attempt` (0 for the first): uniform in [0, min(max, initial * 2^attempt)).
 * Full jitter spreads a fleet of agents that lost the server together, so they do not return in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 52));
  return Math.floor(random() * ceiling);
}

/** A server's Retry-After (delay-seconds or an HTTP date) in ms, or undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
