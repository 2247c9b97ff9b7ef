/** Exponential backoff with jitter, for retries while the Functions emulator cannot be reached. Pure given `random`. */
export interface BackoffOptions {
  /** delay cap before jitter for the first retry (default 250 ms) */
  baseMs?: number;
  /** no delay exceeds this (default 5 s) */
  maxMs?: number;
}

export function backoffDelay(
  retry: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const base = options.baseMs ?? 250;
  const max = options.maxMs ?? 5_000;
  const cap = Math.min(max, base * 2 ** Math.max(0, retry - 1));
  // Jitter over the upper half: retries queued during an emulator restart do not all arrive at once.
  return Math.round(cap / 2 + (random() * cap) / 2);
}
