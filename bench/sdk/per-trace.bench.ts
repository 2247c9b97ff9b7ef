/**
 * Per-trace cost of the SDK (start, 3 attributes, 1 metric, stop, enqueue) side by side with an
 * OpenTelemetry JS span (start, 4 attributes, end) through a BatchSpanProcessor with a no-op exporter,
 * in the same process, rounds interleaved. Both deliver everything: every chunk of traces is followed
 * by a turn of the event loop so each processor can drain its queue, and the totals are checked.
 *
 * Two measures: the hot path (wall time of the recording loop alone) and CPU per trace (process CPU
 * time over a round: recording, batch building, export, timers and garbage collection).
 *
 *   npm run bench -- per-trace        (BENCH_TRACES=200000 BENCH_ROUNDS=7)
 */
import { trace as otelApi, type Tracer } from "@opentelemetry/api";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { initializeApp } from "firebase/app";
import { initPerformance, type PerformanceMonitor } from "@aideon-perf/sdk";
import { median, table } from "./support/stats";
import { report, reportFailure } from "../support/report";

const TRACES = Number(process.env.BENCH_TRACES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** Traces between event-loop turns: below both queues' default capacity (2048), so nothing is dropped. */
const CHUNK = 500;

interface Variant {
  label: string;
  /** Records one trace; `i` varies the metric value. */
  record(i: number): void;
  /** Delivers whatever is still queued. */
  drain(): Promise<void>;
  /** Traces delivered so far. */
  delivered(): number;
}

function aideonVariant(enabled: boolean): Variant & { perf: PerformanceMonitor } {
  let delivered = 0;
  const perf = initPerformance(
    initializeApp({ projectId: "demo-bench", apiKey: "demo-api-key" }, `bench-${enabled}`),
    {
      enabled,
      flushOnExit: false,
      // A no-op delivery: what is measured is the SDK, not the network.
      transport: async (request) => {
        delivered += request.traces.length;
        return {
          success: true,
          batch_id: request.batch_id,
          accepted: request.traces.length,
          duplicate: false,
        };
      },
    },
  );
  return {
    label: enabled ? "aideon-perf SDK" : "aideon-perf SDK, disabled (no-op)",
    perf,
    record(i) {
      perf
        .startTrace("GET /api/items/:id", "HTTP_REQUEST")
        .addAttribute("method", "GET")
        .addAttribute("route", "/api/items/:id")
        .addAttribute("status_code", 200)
        .addMetric("rows_returned", i & 7)
        .stop();
    },
    drain: () => perf.flush(),
    delivered: () => (enabled ? delivered : 0),
  };
}

/** The same trace as the SDK variant records, as an OpenTelemetry span. */
function recordSpan(tracer: Tracer, i: number): void {
  const span = tracer.startSpan("GET /api/items/:id");
  span.setAttribute("method", "GET");
  span.setAttribute("route", "/api/items/:id");
  span.setAttribute("status_code", 200);
  // A span has no metrics: the metric travels as an attribute.
  span.setAttribute("rows_returned", i & 7);
  span.end();
}

function otelVariant(): Variant {
  let delivered = 0;
  const exporter: SpanExporter = {
    export(spans, done) {
      delivered += spans.length;
      done({ code: 0 }); // ExportResultCode.SUCCESS
    },
    shutdown: async () => undefined,
  };
  const processor = new BatchSpanProcessor(exporter);
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer("bench");
  return {
    label: "OpenTelemetry span + BatchSpanProcessor",
    record: (i) => recordSpan(tracer, i),
    drain: () => processor.forceFlush(),
    delivered: () => delivered,
  };
}

/** The OpenTelemetry API with no SDK registered: its no-op tracer. */
function otelNoopVariant(): Variant {
  const tracer = otelApi.getTracer("bench-noop");
  return {
    label: "OpenTelemetry API, no SDK (no-op)",
    record: (i) => recordSpan(tracer, i),
    drain: async () => undefined,
    delivered: () => 0,
  };
}

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** One round: ns per trace on the hot path and in process CPU. */
async function round(variant: Variant): Promise<{ hotNs: number; cpuNs: number }> {
  let hot = 0n;
  const cpu = process.cpuUsage();
  for (let done = 0; done < TRACES; done += CHUNK) {
    const start = process.hrtime.bigint();
    for (let i = done; i < done + CHUNK; i++) variant.record(i);
    hot += process.hrtime.bigint() - start;
    await turn();
  }
  await variant.drain();
  const used = process.cpuUsage(cpu);
  return { hotNs: Number(hot) / TRACES, cpuNs: ((used.user + used.system) * 1000) / TRACES };
}

async function main(): Promise<void> {
  const sdk = aideonVariant(true);
  const variants = [sdk, otelVariant(), aideonVariant(false), otelNoopVariant()];
  const results = new Map(variants.map((v) => [v, { hot: [] as number[], cpu: [] as number[] }]));
  for (const v of variants) await round(v); // warm-up: JIT and queues
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of r % 2 ? [...variants].reverse() : variants) {
      const { hotNs, cpuNs } = await round(v);
      results.get(v)!.hot.push(hotNs);
      results.get(v)!.cpu.push(cpuNs);
    }
  }

  const total = TRACES * (ROUNDS + 1);
  const [ours, otel] = variants as [Variant, Variant];
  const stats = sdk.perf.stats();
  const nothingDropped =
    ours.delivered() === total &&
    otel.delivered() === total &&
    Object.values(stats.dropped).every((n) => n === 0) &&
    stats.sent === total;

  const ns = (v: Variant, m: "hot" | "cpu") => median(results.get(v)![m]);
  report(
    `per-trace cost: start, 3 attributes, 1 metric, stop, enqueue; median of ${ROUNDS} rounds x ${TRACES} traces (Node ${process.version})\n`,
  );
  report(
    table([
      ["", "hot path ns/trace", "CPU ns/trace (all in)"],
      ...variants.map((v) => [v.label, ns(v, "hot").toFixed(0), ns(v, "cpu").toFixed(0)]),
      [
        "SDK / OpenTelemetry",
        `${(ns(ours, "hot") / ns(otel, "hot")).toFixed(2)}x`,
        `${(ns(ours, "cpu") / ns(otel, "cpu")).toFixed(2)}x`,
      ],
    ]),
  );
  report(
    `\ndelivered: SDK ${ours.delivered()} of ${total} in ${stats.batchesSent} batches, OpenTelemetry ${otel.delivered()} of ${total}; dropped ${JSON.stringify(stats.dropped)}`,
  );

  const cheaper = ns(ours, "hot") < ns(otel, "hot") && ns(ours, "cpu") < ns(otel, "cpu");
  report(
    `budget (SDK cheaper per trace than the OpenTelemetry span, nothing dropped): ${cheaper && nothingDropped ? "PASS" : "FAIL"}`,
  );
  await sdk.perf.shutdown();
  process.exitCode = cheaper && nothingDropped ? 0 : 1;
}

main().catch(reportFailure);
