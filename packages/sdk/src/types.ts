/** The SDK's public interfaces; the active and no-op implementations both satisfy them. */
import type { Attributes, TraceType } from "@aideon-perf/core";

export type AttributeValue = string | number | boolean;

/** A trace measured in this process: no network on start or stop, delivered later in a batch. */
export interface Trace {
  /** False for the shared no-op trace (SDK disabled, shut down or trace sampled out). */
  readonly isRecording: boolean;
  addAttribute(key: string, value: AttributeValue): this;
  /** Sets a metric (a gauge of the trace: a later value replaces an earlier one). */
  addMetric(name: string, value: number): this;
  /** Adds `by` (default 1) to a metric, starting from 0. */
  incrementMetric(name: string, by?: number): this;
  /** Renames the trace before it stops (e.g. once the matched route is known). */
  updateName(name: string): this;
  /** Stops the clock and queues the trace; returns the duration in seconds. Later calls change nothing. */
  stop(): number;
}

/** A server-clocked trace (startTrace / addMetric / stopTrace callables) for work that spans processes. */
export interface RemoteTrace {
  /** The server's trace id: hand it to another process, which can resumeRemoteTrace(traceId). */
  readonly traceId: string;
  addMetric(name: string, value: number): Promise<void>;
  /** Stops the trace on the server; resolves to its duration in seconds, measured by the server clock. */
  stop(extra?: { attributes?: Attributes; metrics?: Record<string, number> }): Promise<number>;
}

export interface MonitorStats {
  /** Traces waiting for a batch. */
  queued: number;
  /** Traces in the batch being sent (retries included). */
  inFlight: number;
  /** Traces the server accepted (a retried batch counts once). */
  sent: number;
  batchesSent: number;
  /** Batches given up on: a non-retryable answer, or retries exhausted. */
  failedBatches: number;
  /** Send attempts after the first, over all batches. */
  retries: number;
  /** Traces not recorded because of samplingRate. */
  sampledOut: number;
  /** Traces recorded but never sent, by reason. */
  dropped: {
    /** The queue held maxQueueSize traces. */
    queueFull: number;
    /** An invalid name, type, attribute, metric or duration (onInvalid: 'drop'). */
    invalid: number;
    /** Their batch failed (see failedBatches). */
    sendFailed: number;
    /** Stopped after shutdown(), or still queued when its deadline passed. */
    shutdown: number;
  };
}

export interface PerformanceMonitor {
  /** False for the no-op monitor (`enabled: false`, or before initPerformance). */
  readonly enabled: boolean;
  /** Starts a local trace; `traceType` defaults to CUSTOM_TRACE. */
  startTrace(name: string, traceType?: TraceType, attributes?: Attributes): Trace;
  /**
   * Runs `fn` inside a trace that always stops (the contract's context manager), with attribute
   * `success` true or false and `error_type` on a throw or rejection. Returns what `fn` returns.
   */
  trace<R>(name: string, traceType: TraceType, fn: (trace: Trace) => R, attributes?: Attributes): R;
  /** Starts a server-clocked trace; the input is validated locally first (rejects with a ValidationError). */
  startRemoteTrace(name: string, traceType?: TraceType, attributes?: Attributes): Promise<RemoteTrace>;
  /** A handle on a server-clocked trace started elsewhere by the same user. */
  resumeRemoteTrace(traceId: string): RemoteTrace;
  /** Express (or Connect-style) middleware recording an HTTP_REQUEST trace per request. */
  expressMiddleware(): RequestMiddleware;
  /** `fetchImpl` wrapped to record an EXTERNAL_API trace per request and send a W3C traceparent. */
  wrapFetch(fetchImpl: typeof fetch, options?: FetchInstrumentationOptions): typeof fetch;
  /** Replaces globalThis.fetch with wrapFetch(fetch); returns the function that puts it back. */
  instrumentFetch(options?: FetchInstrumentationOptions): () => void;
  /** Sends everything queued; resolves when the queue is empty. */
  flush(): Promise<void>;
  /** Stops recording and flushes within shutdownTimeoutMs. Idempotent: every call returns the same promise. */
  shutdown(): Promise<void>;
  stats(): MonitorStats;
}

/** What expressMiddleware() needs of a request (and below, of a response): typed structurally, so Express
 * is not a dependency. */
export interface HttpRequestLike {
  method: string;
  /** Where the router that matched the route is mounted (Express). */
  baseUrl?: string;
  /** The matched route (Express sets it during routing); its `path` is the pattern. */
  route?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface HttpResponseLike {
  statusCode: number;
  /** False when the connection closed before the response was complete (Node's ServerResponse). */
  writableFinished?: boolean;
  getHeader(name: string): number | string | string[] | undefined;
  /** `close` follows the response's end, or a connection closed early. */
  once(event: "close", listener: () => void): unknown;
}

export type RequestMiddleware = (req: HttpRequestLike, res: HttpResponseLike, next: () => void) => void;

/** Options of wrapFetch() and instrumentFetch(). */
export interface FetchInstrumentationOptions {
  /**
   * Requests that carry a traceparent header. Default: in a browser the page's own origin only (a
   * custom header makes a cross-origin request need a CORS preflight the server may refuse); in Node all.
   */
  propagateTo?: (url: URL) => boolean;
  /** Requests not traced at all. The SDK's own callables are never traced. */
  ignore?: (url: URL) => boolean;
}
