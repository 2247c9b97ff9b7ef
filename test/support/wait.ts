import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `probe` until `done` accepts its value or `timeoutMs` passes; returns the last value either
 * way, so the caller's assertion reports what was actually seen.
 */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await sleep(everyMs);
    value = await probe();
  }
  return value;
}
