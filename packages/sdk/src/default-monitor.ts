/** The monitor that the decorator, the wrapper and getPerformanceMonitor() use: the last one initialised. */
import { NOOP_MONITOR } from "./noop";
import type { PerformanceMonitor } from "./types";

let current: PerformanceMonitor = NOOP_MONITOR;

/** The monitor of the last initPerformance() call, or the no-op monitor before any. */
export function getPerformanceMonitor(): PerformanceMonitor {
  return current;
}

export function setDefaultMonitor(monitor: PerformanceMonitor): void {
  current = monitor;
}
