/** initPerformance(): the active monitor, assembled from the trace, exporter and instrumentation modules. */
import {
  DEFAULT_TRACE_TYPE,
  INGEST_KEY_PATTERN,
  type Attributes,
  type TraceType,
  type ValidationError,
} from "@aideon-perf/core";
import type { FirebaseApp } from "firebase/app";
import { getFunctions } from "firebase/functions";
import { BatchExporter, type ExporterCounters } from "./batch-exporter";
import { EpochAnchor, type Clock } from "./clock";
import { setDefaultMonitor } from "./default-monitor";
import { onExitOrHide } from "./exit-hooks";
import { httpRequestMiddleware } from "./express-middleware";
import { instrumentGlobalFetch, tracedFetch } from "./fetch-instrumentation";
import { LocalTrace, type FinishedTrace, type TraceSink } from "./local-trace";
import { NOOP_MONITOR, NOOP_TRACE, emptyStats } from "./noop";
import { InvalidOptionError, resolveOptions, type PerformanceOptions, type ResolvedOptions } from "./options";
import { remoteTrace, startRemoteTrace } from "./remote-trace";
import { runInTrace } from "./run-in-trace";
import { callableCall, ingestKeyCall, transportOf, type SdkCall } from "./transport";
import type {
  FetchInstrumentationOptions,
  MonitorStats,
  PerformanceMonitor,
  RemoteTrace,
  RequestMiddleware,
  Trace,
} from "./types";

/** A backend without a Firebase user: records through the REST API with an ingest key. */
export interface IngestKeyOptions extends Omit<PerformanceOptions, "functions"> {
  /** `aik_...`, made by an admin (`npm run admin -- ingest-key create`). */
  ingestKey: string;
  /** The Hosting site or the `api` function's URL, e.g. https://my-project.web.app. */
  endpoint: string;
}

/**
 * Creates the monitor (the no-op one when `enabled` is false) and makes it the default one, used by
 * `@traced`, `monitored()` and getPerformanceMonitor(). Options are checked here: a bad one throws.
 * With a Firebase app it calls the callables as the app's signed-in user; with `{ingestKey, endpoint}`
 * (a server) the REST API with the key, no Firebase app or sign-in needed.
 */
export function initPerformance(options: IngestKeyOptions): PerformanceMonitor;
export function initPerformance(firebaseApp: FirebaseApp, options?: PerformanceOptions): PerformanceMonitor;
export function initPerformance(
  appOrKey: FirebaseApp | IngestKeyOptions,
  options: PerformanceOptions = {},
): PerformanceMonitor {
  const keyed = "ingestKey" in appOrKey ? checkIngestKeyOptions(appOrKey) : undefined;
  const resolved = resolveOptions(keyed ? withoutKey(keyed) : options);
  const call = keyed
    ? ingestKeyCall(keyed.endpoint, keyed.ingestKey)
    : callableCall(resolved.functions ?? getFunctions(appOrKey as FirebaseApp));
  const monitor = resolved.enabled ? new ActiveMonitor(call, resolved) : NOOP_MONITOR;
  setDefaultMonitor(monitor);
  return monitor;
}

function checkIngestKeyOptions(options: IngestKeyOptions): IngestKeyOptions {
  if (typeof options.ingestKey !== "string" || !INGEST_KEY_PATTERN.test(options.ingestKey)) {
    throw new InvalidOptionError(
      "ingestKey",
      "an ingest key (aik_...) createIngestKey returned",
      options.ingestKey === undefined ? undefined : "another string",
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(options.endpoint);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol))
    throw new InvalidOptionError("endpoint", "an http(s) URL", options.endpoint);
  return options;
}

const withoutKey = ({
  ingestKey: _key,
  endpoint: _endpoint,
  ...rest
}: IngestKeyOptions): PerformanceOptions => rest;

class ActiveMonitor implements PerformanceMonitor, TraceSink {
  readonly enabled = true;
  readonly clock: Clock;
  readonly epoch: EpochAnchor;
  private readonly counters: ExporterCounters = emptyStats();
  private readonly exporter: BatchExporter;
  private readonly removeExitHooks: () => void;
  private shuttingDown: Promise<void> | undefined;

  constructor(
    private readonly call: SdkCall,
    private readonly options: ResolvedOptions,
  ) {
    this.clock = options.clock;
    this.epoch = new EpochAnchor(options.clock);
    this.exporter = new BatchExporter(
      {
        transport: options.transport ?? transportOf(call),
        flushIntervalMs: options.flushIntervalMs,
        maxBatchSize: options.maxBatchSize,
        maxQueueSize: options.maxQueueSize,
        retry: {
          maxRetries: options.maxRetries,
          initialDelayMs: options.initialRetryDelayMs,
          maxDelayMs: options.maxRetryDelayMs,
        },
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
    return startRemoteTrace(this.call, name, traceType, attributes);
  }

  resumeRemoteTrace(traceId: string): RemoteTrace {
    return remoteTrace(this.call, traceId);
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
    return {
      ...this.counters,
      queued: this.exporter.queued,
      inFlight: this.exporter.inFlight,
      dropped: { ...this.counters.dropped },
    };
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
    else {
      this.exporter.enqueue(trace);
      this.announce(trace);
    }
  }

  private announce(trace: FinishedTrace): void {
    const hook = this.options.onTraceFinished;
    if (!hook) return;
    try {
      const { name, traceType, startTime, duration } = trace;
      hook({
        name,
        traceType,
        startTime,
        duration,
        attributes: { ...trace.attributes },
        metrics: { ...trace.metrics },
      });
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // An error handler that throws must not break delivery or the caller's code.
    }
  }
}
