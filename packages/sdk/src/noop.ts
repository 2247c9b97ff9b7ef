/**
 * What a disabled SDK hands out: one shared trace and one monitor whose every call returns at once,
 * allocating nothing, so leaving instrumentation in disabled code costs nanoseconds.
 */
import type { MonitorStats, PerformanceMonitor, RemoteTrace, Trace } from "./types";
import type { RequestMiddleware } from "./types";

export const NOOP_TRACE: Trace = Object.freeze({
  isRecording: false,
  addAttribute: returnThis,
  addMetric: returnThis,
  incrementMetric: returnThis,
  updateName: returnThis,
  stop: () => 0,
});

function returnThis<T>(this: T): T {
  return this;
}

const NOOP_REMOTE_TRACE: RemoteTrace = Object.freeze({
  traceId: "",
  addMetric: () => Promise.resolve(),
  stop: () => Promise.resolve(0),
});

const passThrough: RequestMiddleware = (_req, _res, next) => next();
const nothingToUndo = () => undefined;

export const emptyStats = (): MonitorStats => ({
  queued: 0,
  inFlight: 0,
  sent: 0,
  batchesSent: 0,
  failedBatches: 0,
  retries: 0,
  sampledOut: 0,
  dropped: { queueFull: 0, invalid: 0, sendFailed: 0, shutdown: 0 },
});

export const NOOP_MONITOR: PerformanceMonitor = Object.freeze({
  enabled: false,
  startTrace: () => NOOP_TRACE,
  trace: <R>(_name: string, _type: unknown, fn: (trace: Trace) => R) => fn(NOOP_TRACE),
  startRemoteTrace: () => Promise.resolve(NOOP_REMOTE_TRACE),
  resumeRemoteTrace: () => NOOP_REMOTE_TRACE,
  expressMiddleware: () => passThrough,
  wrapFetch: (fetchImpl: typeof fetch) => fetchImpl,
  instrumentFetch: () => nothingToUndo,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
  stats: emptyStats,
});
