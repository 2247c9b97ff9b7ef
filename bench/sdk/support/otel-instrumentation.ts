/**
 * OpenTelemetry's own instrumentation, set up as its documentation tells a Node user to (NodeSDK with
 * the HTTP and Express instrumentations), its spans through a BatchSpanProcessor to an exporter that
 * only counts them: like the SDK's no-op transport, the instrumentation is measured, not the network.
 * It patches http and express when they are loaded, so it must start before the app is imported.
 */
import { SpanKind } from "@opentelemetry/api";
import { ExpressInstrumentation } from "@opentelemetry/instrumentation-express";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Instrumentation } from "./server-variants";

export function otelInstrumentation(): Instrumentation {
  const recorded = { requests: 0, total: 0 };
  const exporter: SpanExporter = {
    export(spans, done) {
      recorded.total += spans.length;
      recorded.requests += spans.filter((span) => span.kind === SpanKind.SERVER).length;
      done({ code: 0 }); // ExportResultCode.SUCCESS
    },
    shutdown: async () => undefined,
  };
  const processor = new BatchSpanProcessor(exporter);
  new NodeSDK({
    spanProcessors: [processor],
    instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
    // Traces only: no metric readers or log processors taken from the environment, no resource probing.
    metricReaders: [],
    logRecordProcessors: [],
    autoDetectResources: false,
  }).start();
  return {
    async flush() {
      await processor.forceFlush();
      return { ...recorded };
    },
  };
}
