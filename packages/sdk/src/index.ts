/**
 * @aideon-perf/sdk: traces measured in the app, shipped in batches to the aideon-perf callables.
 *
 *   const perf = initPerformance(firebaseApp);
 *   const trace = perf.startTrace("video_generation", "AI_GENERATION", { model: "stable-diffusion" });
 *   trace.addMetric("frames_generated", 30).addAttribute("output_format", "mp4").stop();
 *   await perf.trace("database_operation", "DATABASE_QUERY", async (t) => t.addMetric("rows_returned", (await query()).length));
 *   app.use(perf.expressMiddleware());
 */
export { initPerformance, type IngestKeyOptions } from "./monitor";
export { getPerformanceMonitor } from "./default-monitor";
export { monitored, traced, type TracedOptions } from "./wrappers";
export { DEFAULT_OPTIONS, InvalidOptionError, type PerformanceOptions, type StoppedTrace } from "./options";
export { callableTransport, RestCallError, type BatchTransport } from "./transport";
export { formatTraceparent, parseTraceparent, type TraceParent } from "./traceparent";
export type { Clock } from "./clock";
export type {
  FetchInstrumentationOptions,
  HttpRequestLike,
  HttpResponseLike,
  RequestMiddleware,
} from "./types";
export type { AttributeValue, MonitorStats, PerformanceMonitor, RemoteTrace, Trace } from "./types";
export { ValidationError, type Attributes, type TraceType } from "@aideon-perf/core";
