/**
 * Outgoing fetch as EXTERNAL_API traces, named by method and host (never the full URL: paths and
 * queries are high-cardinality and may carry secrets), with a W3C traceparent header so the server's
 * trace can be joined to this one through the trace_id and span_id attributes.
 */
import { fitAttributeValue, fitTraceName } from "@aideon-perf/core";
import { newSpanId, newTraceId } from "./random-ids";
import { errorType } from "./run-in-trace";
import { formatTraceparent } from "./traceparent";
import { REST_PATHS, SDK_CALLABLES } from "./transport";
import type { FetchInstrumentationOptions, PerformanceMonitor } from "./types";

const HTTP = /^https?:$/;
const ownCallable = new RegExp(
  `/(${SDK_CALLABLES.join("|")}|api/v1/performance/(${Object.values(REST_PATHS).join("|")}))$`,
);

function pageOrigin(): string | undefined {
  return (globalThis as { location?: { origin?: string } }).location?.origin;
}

const defaultPropagateTo = (url: URL): boolean => {
  const origin = pageOrigin();
  return origin === undefined || url.origin === origin;
};

function requestUrl(input: RequestInfo | URL): URL | undefined {
  const href = input instanceof URL ? input.href : typeof input === "string" ? input : input.url;
  try {
    return new URL(href, pageOrigin());
  } catch {
    return undefined;
  }
}

function requestMethod(input: RequestInfo | URL, init: RequestInit | undefined): string {
  return (
    init?.method ?? (typeof input === "object" && "method" in input ? input.method : "GET")
  ).toUpperCase();
}

/** `init` with one more header; the caller's objects are left untouched. */
function withHeader(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  name: string,
  value: string,
): RequestInit {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set(name, value);
  return { ...init, headers };
}

export function tracedFetch(
  fetchImpl: typeof fetch,
  monitor: Pick<PerformanceMonitor, "startTrace">,
  options: FetchInstrumentationOptions = {},
): typeof fetch {
  const propagateTo = options.propagateTo ?? defaultPropagateTo;
  return async function fetchWithTrace(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const url = requestUrl(input);
    if (
      url === undefined ||
      !HTTP.test(url.protocol) ||
      ownCallable.test(url.pathname) ||
      options.ignore?.(url)
    ) {
      return fetchImpl(input, init);
    }
    const method = requestMethod(input, init);
    const name = fitTraceName(`${method} ${url.host}`);
    const trace = monitor.startTrace(name, "EXTERNAL_API", {
      method,
      host: fitAttributeValue(url.host),
    });
    let sentInit = init;
    if (trace.isRecording && propagateTo(url)) {
      const traceId = newTraceId();
      const spanId = newSpanId();
      trace.addAttribute("trace_id", traceId).addAttribute("span_id", spanId);
      sentInit = withHeader(input, init, "traceparent", formatTraceparent(traceId, spanId));
    }
    try {
      const response = await fetchImpl(input, sentInit);
      trace.addAttribute("status_code", response.status);
      return response;
    } catch (error) {
      trace.addAttribute("error_type", errorType(error));
      throw error;
    } finally {
      // Until the response headers arrive: the body is the caller's to read, or not.
      trace.stop();
    }
  };
}

/** Replaces globalThis.fetch; the returned function restores it (unless something replaced it since). */
export function instrumentGlobalFetch(
  monitor: Pick<PerformanceMonitor, "startTrace">,
  options?: FetchInstrumentationOptions,
): () => void {
  const original = globalThis.fetch;
  const instrumented = tracedFetch(original, monitor, options);
  globalThis.fetch = instrumented;
  return () => {
    if (globalThis.fetch === instrumented) globalThis.fetch = original;
  };
}
