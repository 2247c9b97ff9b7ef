/**
 * Fires each scheduled function at its times: one loop per function, restarted when its definition
 * changes. Time and the invocation are injected, so the loop is tested without waiting or an emulator.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { nextRunTime } from "./schedule";
import type { ScheduledFunction } from "./scheduled-functions";

export interface Clock {
  now(): number;
  /** Resolves at `atMs` on this clock; rejects with an AbortError when `signal` aborts. */
  sleepUntil(atMs: number, signal: AbortSignal): Promise<void>;
}

/** setTimeout's longest delay; longer waits are taken in pieces. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  async sleepUntil(atMs, signal) {
    for (let left = atMs - Date.now(); left > 0; left = atMs - Date.now()) {
      await sleep(Math.min(left, MAX_TIMER_MS), undefined, { signal });
    }
  },
};

export interface Ticker {
  /** Starts loops for new or changed functions and stops those no longer defined. */
  update(functions: ScheduledFunction[]): void;
  /** The next scheduled run of a function, or null (unreadable schedule, never matches, not known). */
  nextRun(id: string): number | null;
  stop(): void;
}

interface Loop {
  fingerprint: string;
  controller: AbortController;
  nextRun: number | null;
}

/** `fire` is awaited: App Engine intervals count from the end of the previous run. */
export function startTicker(
  clock: Clock,
  fire: (fn: ScheduledFunction, scheduleTimeMs: number) => Promise<void>,
): Ticker {
  const loops = new Map<string, Loop>();

  async function run(fn: ScheduledFunction, loop: Loop): Promise<void> {
    if (!fn.schedule) return;
    for (let after = clock.now(); ; after = clock.now()) {
      loop.nextRun = nextRunTime(fn.schedule, after, fn.timeZone);
      if (loop.nextRun === null) return;
      await clock.sleepUntil(loop.nextRun, loop.controller.signal);
      await fire(fn, loop.nextRun);
      if (loop.controller.signal.aborted) return;
    }
  }

  const stopLoop = (loop: Loop) => loop.controller.abort();

  return {
    update(functions) {
      const current = new Set(functions.map((fn) => fn.id));
      for (const [id, loop] of loops) {
        if (!current.has(id)) {
          stopLoop(loop);
          loops.delete(id);
        }
      }
      for (const fn of functions) {
        const fingerprint = `${fn.scheduleText}\n${fn.timeZone}`;
        const existing = loops.get(fn.id);
        if (existing?.fingerprint === fingerprint) continue;
        if (existing) stopLoop(existing);
        const loop: Loop = { fingerprint, controller: new AbortController(), nextRun: null };
        loops.set(fn.id, loop);
        // An abort ends the loop through a rejected sleep; `fire` handles its own errors, so anything
        // else is a bug and is left unhandled to be seen.
        run(fn, loop).catch((err: Error) => {
          if (err.name !== "AbortError") throw err;
        });
      }
    },
    nextRun: (id) => loops.get(id)?.nextRun ?? null,
    stop() {
      for (const loop of loops.values()) stopLoop(loop);
      loops.clear();
    },
  };
}
