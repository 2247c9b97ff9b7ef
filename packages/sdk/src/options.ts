/**
 * initPerformance() options: every default documented here, every value checked once when the
 * monitor is made (BullMQ style), so a typo fails at startup rather than at the first flush.
 */
import { LIMITS, type Attributes, type Metrics, type TraceType } from "@aideon-perf/core";
import type { Functions } from "firebase/functions";
import { systemClock, type Clock } from "./clock";
import { newBatchId } from "./random-ids";
import type { BatchTransport } from "./transport";

export interface PerformanceOptions {
  /** false: initPerformance() returns the no-op monitor. Default true. */
  enabled?: boolean;
  /**
   * Whether expressMiddleware() records requests (the contract's automatic request monitoring).
   * Default: true unless the environment variable PERFORMANCE_AUTO_COLLECTION is "false".
   */
  autoCollection?: boolean;
  /** Fraction of local traces recorded, decided at start, 0 to 1. Default 1. */
  samplingRate?: number;
  /** Queued traces are sent at least this often, in ms. Default 5000. */
  flushIntervalMs?: number;
  /** Traces per recordTraces call, 1 to 500; a full batch is sent at once. Default 500. */
  maxBatchSize?: number;
  /** Traces held for delivery; beyond it a stopped trace is dropped and counted. Default 2048. */
  maxQueueSize?: number;
  /** Retries of a batch after a retryable failure (same batch_id) before it is dropped. Default 5. */
  maxRetries?: number;
  /** Backoff ceiling of the first retry in ms, doubling per retry up to maxRetryDelayMs; full jitter. Default 1000. */
  initialRetryDelayMs?: number;
  /** Default 30000. */
  maxRetryDelayMs?: number;
  /** How long shutdown() may take to deliver what is queued, in ms. Default 10000. */
  shutdownTimeoutMs?: number;
  /**
   * An invalid trace name, type, attribute or metric: "drop" (default) records the trace as invalid,
   * never sends it and counts it in stats().dropped.invalid; "throw" makes the call throw the core's
   * ValidationError naming the field. Automatic instrumentation only ever produces valid input.
   */
  onInvalid?: "drop" | "throw";
  /** Flush when the Node process is about to exit (beforeExit) or the page is hidden. Default true. */
  flushOnExit?: boolean;
  /** Called with each invalid-input error (onInvalid "drop") and each batch given up on. Default none. */
  onError?: (error: unknown) => void;
  /**
   * Called with every stopped, valid trace as it is queued (sampled-out ones excluded), e.g. to forward
   * it to the app's own logger. A hook that throws is reported to onError; delivery goes on. Default none.
   */
  onTraceFinished?: (trace: StoppedTrace) => void;
  /** The Functions instance to call (region, custom domain, emulator). Default getFunctions(firebaseApp). */
  functions?: Functions;
  /** Replaces the recordTraces callable, e.g. to route batches elsewhere. Default: the callable. */
  transport?: BatchTransport;
  /** Time source. Default performance.now() and Date.now(). */
  clock?: Clock;
  /** Random source for sampling and jitter. Default Math.random. */
  random?: () => number;
  /** batch_id source. Default 32 random hex digits. */
  newBatchId?: () => string;
}

/** What onTraceFinished receives: a copy, so a hook cannot change what is sent. */
export interface StoppedTrace {
  name: string;
  traceType: TraceType;
  /** Epoch ms. */
  startTime: number;
  /** Seconds. */
  duration: number;
  attributes: Attributes;
  metrics: Metrics;
}

export type ResolvedOptions = Required<
  Omit<PerformanceOptions, "functions" | "transport" | "onError" | "onTraceFinished">
> &
  Pick<PerformanceOptions, "functions" | "transport" | "onError" | "onTraceFinished">;

export const DEFAULT_OPTIONS = Object.freeze({
  enabled: true,
  samplingRate: 1,
  flushIntervalMs: 5_000,
  maxBatchSize: LIMITS.MAX_TRACES_PER_BATCH,
  maxQueueSize: 2_048,
  maxRetries: 5,
  initialRetryDelayMs: 1_000,
  maxRetryDelayMs: 30_000,
  shutdownTimeoutMs: 10_000,
  onInvalid: "drop",
  flushOnExit: true,
} as const);

export class InvalidOptionError extends Error {
  override readonly name = "InvalidOptionError";
  constructor(option: string, expected: string, value: unknown) {
    super(`initPerformance option ${option}: must be ${expected}, not ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object" && value !== null) return "an object";
  return typeof value === "function" ? "a function" : String(value);
}

/** The environment's PERFORMANCE_AUTO_COLLECTION, where there is a process (not in browsers). */
function autoCollectionFromEnv(): boolean {
  return globalThis.process?.env?.PERFORMANCE_AUTO_COLLECTION?.trim().toLowerCase() !== "false";
}

export function resolveOptions(options: PerformanceOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    ...DEFAULT_OPTIONS,
    autoCollection: autoCollectionFromEnv(),
    clock: systemClock,
    random: Math.random,
    newBatchId,
    ...withoutUndefined(options),
  };
  boolean(resolved, "enabled");
  boolean(resolved, "autoCollection");
  boolean(resolved, "flushOnExit");
  if (!(
    typeof resolved.samplingRate === "number" &&
    resolved.samplingRate >= 0 &&
    resolved.samplingRate <= 1
  )) {
    throw new InvalidOptionError("samplingRate", "a number from 0 to 1", resolved.samplingRate);
  }
  integer(resolved, "flushIntervalMs", 1, 2 ** 31 - 1);
  integer(resolved, "maxBatchSize", 1, LIMITS.MAX_TRACES_PER_BATCH);
  integer(resolved, "maxQueueSize", resolved.maxBatchSize, Number.MAX_SAFE_INTEGER);
  integer(resolved, "maxRetries", 0, 100);
  integer(resolved, "initialRetryDelayMs", 1, 2 ** 31 - 1);
  integer(resolved, "maxRetryDelayMs", resolved.initialRetryDelayMs, 2 ** 31 - 1);
  integer(resolved, "shutdownTimeoutMs", 0, 2 ** 31 - 1);
  if (resolved.onInvalid !== "drop" && resolved.onInvalid !== "throw") {
    throw new InvalidOptionError("onInvalid", '"drop" or "throw"', resolved.onInvalid);
  }
  if (typeof resolved.clock?.now !== "function" || typeof resolved.clock.epochMs !== "function") {
    throw new InvalidOptionError("clock", "an object with now() and epochMs()", resolved.clock);
  }
  for (const fn of ["random", "newBatchId", "onError", "onTraceFinished", "transport"] as const) {
    if (resolved[fn] !== undefined && typeof resolved[fn] !== "function")
      throw new InvalidOptionError(fn, "a function", resolved[fn]);
  }
  return resolved;
}

/** An option given as undefined means "the default", as with a missing one. */
function withoutUndefined(options: PerformanceOptions): PerformanceOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

type BooleanOption = "enabled" | "autoCollection" | "flushOnExit";
type IntegerOption =
  | "flushIntervalMs"
  | "maxBatchSize"
  | "maxQueueSize"
  | "maxRetries"
  | "initialRetryDelayMs"
  | "maxRetryDelayMs"
  | "shutdownTimeoutMs";

function boolean(options: ResolvedOptions, name: BooleanOption): void {
  if (typeof options[name] !== "boolean") throw new InvalidOptionError(name, "true or false", options[name]);
}

function integer(options: ResolvedOptions, name: IntegerOption, min: number, max: number): void {
  const value = options[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new InvalidOptionError(name, `a whole number ${range}`, value);
  }
}
