/** initPerformance(): the active monitor, assembled from the trace, exporter and instrumentation modules. */
import { DEFAULT_TRACE_TYPE, type Attributes, type TraceType, type ValidationError } from "@aideon-perf/core";
import type { FirebaseApp } from "firebase/app";
import { getFunctions, type Functions } from "firebase/functions";
import { BatchExporter, type ExporterCounters } from "./batch-exporter";
import { EpochAnchor, type Clock } from "./clock";
import { setDefaultMonitor } from "./default-monitor";
import { onExitOrHide } from "./exit-hooks";
import { httpRequestMiddleware, type RequestMiddleware } from "./express-middleware";
import { instrumentGlobalFetch, tracedFetch, type FetchInstrumentationOptions } from "./fetch-instrumentation";
import { LocalTrace, type FinishedTrace, type TraceSink } from "./local-trace";
import { NOOP_MONITOR, NOOP_TRACE, emptyStats } from "./noop";
import { resolveOptions, type PerformanceOptions, type ResolvedOptions } from "./options";
import { remoteTrace, startRemoteTrace } from "./remote-trace";
import { runInTrace } from "./run-in-trace";
import { callableTransport } from "./transport";
import type { MonitorStats, PerformanceMonitor, RemoteTrace, Trace } from "./types";

/**
 * Creates the monitor (the no-op one when `enabled` is false) and makes it the default one, used by
 * `@traced`, `monitored()` and getPerformanceMonitor(). Options are checked here: a bad one throws.
 */
export function initPerformance(firebaseApp: FirebaseApp, options: PerformanceOptions = {}): PerformanceMonitor {
  const resolved = resolveOptions(options);
  const monitor = resolved.enabled ? new ActiveMonitor(resolved.functions ?? getFunctions(firebaseApp), resolved) : NOOP_MONITOR;
  setDefaultMonitor(monitor);
  return monitor;
}

class ActiveMonitor implements PerformanceMonitor, TraceSink {
  readonly enabled = true;
  readonly clock: Clock;
  readonly epoch: EpochAnchor;
  private readonly counters: ExporterCounters = emptyStats();
  private readonly exporter: BatchExporter;
  private readonly removeExitHooks: () => void;
  private shuttingDown: Promise<void> | undefined;

  constructor(
    private readonly functions: Functions,
    private readonly options: ResolvedOptions,
  ) {
    this.clock = options.clock;
    this.epoch = new EpochAnchor(options.clock);
    this.exporter = new BatchExporter(
      {
        transport: options.transport ?? callableTransport(functions),
        flushIntervalMs: options.flushIntervalMs,
        maxBatchSize: options.maxBatchSize,
        maxQueueSize: options.maxQueueSize,
        retry: { maxRetries: options.maxRetries, initialDelayMs: options.initialRetryDelayMs, maxDelayMs: options.maxRetryDelayMs },
        random: options.random,
        newBatchId: options.newBatchId,
        report: (error) => this.report(error),
      },
      this.counters,
    );
    this.removeExitHooks = options.flushOnExit
      ? onExitOrHide(() => {
          if (this.exporter.queued > 0) void this.exporter.flush();
        })
      : () => undefined;
  }

  startTrace(name: string, traceType: TraceType = DEFAULT_TRACE_TYPE, attributes?: Attributes): Trace {
    if (this.shuttingDown !== undefined) return NOOP_TRACE;
    const rate = this.options.samplingRate;
    if (rate < 1 && !(this.options.random() < rate)) {
      this.counters.sampledOut++;
      return NOOP_TRACE;
    }
    return new LocalTrace(this, name, traceType, attributes);
  }

  trace<R>(name: string, traceType: TraceType, fn: (trace: Trace) => R, attributes?: Attributes): R {
    return runInTrace(this.startTrace(name, traceType, attributes), fn);
  }

  startRemoteTrace(name: string, traceType?: TraceType, attributes?: Attributes): Promise<RemoteTrace> {
    return startRemoteTrace(this.functions, name, traceType, attributes);
  }

  resumeRemoteTrace(traceId: string): RemoteTrace {
    return remoteTrace(this.functions, traceId);
  }

  expressMiddleware(): RequestMiddleware {
    return this.options.autoCollection ? httpRequestMiddleware(this) : NOOP_MONITOR.expressMiddleware();
  }

  wrapFetch(fetchImpl: typeof fetch, options?: FetchInstrumentationOptions): typeof fetch {
    return tracedFetch(fetchImpl, this, options);
  }

  instrumentFetch(options?: FetchInstrumentationOptions): () => void {
    return instrumentGlobalFetch(this, options);
  }

  flush(): Promise<void> {
    return this.exporter.flush();
  }

  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      this.removeExitHooks();
      await this.exporter.shutdown(this.options.shutdownTimeoutMs);
    })();
    return this.shuttingDown;
  }

  stats(): MonitorStats {
    return { ...this.counters, queued: this.exporter.queued, inFlight: this.exporter.inFlight, dropped: { ...this.counters.dropped } };
  }

  /** TraceSink: invalid input. */
  reject(error: ValidationError): void {
    if (this.options.onInvalid === "throw") throw error;
    this.report(error);
  }

  /** TraceSink: a stopped trace. */
  finish(trace: FinishedTrace): void {
    if (!trace.valid) this.counters.dropped.invalid++;
    else if (this.shuttingDown !== undefined) this.counters.dropped.shutdown++;
    else this.exporter.enqueue(trace);
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // An error handler that throws must not break delivery or the caller's code.
    }
  }
}
